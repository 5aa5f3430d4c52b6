import Foundation
import ModelIO

/// world.json: the whole world (configuration, vocabulary, entities, relations, facts, splits,
/// templates) as pretty-printed JSON with sorted keys, so equal worlds give equal bytes.
extension World {
    /// The file name inside a world directory.
    public static let fileName = "world.json"

    /// The world as world.json bytes (pretty-printed, keys sorted).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Writes `directory/world.json` atomically (a temporary file renamed over it), creating the
    /// directory if needed.
    /// - Throws: ``WorldError/writeFailed(path:reason:)``.
    public func save(to directory: URL) throws {
        let url = directory.appending(path: Self.fileName)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try jsonData().writeAtomically(to: url)
        } catch {
            throw WorldError.writeFailed(path: url.path(percentEncoded: false), reason: ErrorText.reason(error))
        }
    }

    /// Reads `directory/world.json`.
    /// - Throws: ``WorldError/unreadableFile(path:reason:)`` when it is missing or unreadable;
    ///   ``WorldError/corruptFile(path:key:expected:found:)`` naming the key when the JSON is invalid,
    ///   a key is missing or mistyped, or the content is inconsistent (format version, vocabulary,
    ///   facts about unknown entities, splits that do not partition the entities).
    public static func load(from directory: URL) throws -> World {
        try load(file: directory.appending(path: fileName))
    }

    /// Reads a world.json file (see ``load(from:)``).
    public static func load(file url: URL) throws -> World {
        let path = url.path(percentEncoded: false)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw WorldError.unreadableFile(path: path, reason: ErrorText.reason(error))
        }
        let world: World
        do {
            world = try JSONDecoder().decode(World.self, from: data)
        } catch let error as DecodingError {
            throw corruption(error, path: path, data: data)
        }
        try world.check(path: path)
        return world
    }

    /// Consistency checks that JSON decoding cannot make.
    func check(path: String) throws {
        func corrupt(_ key: String, _ expected: String, _ found: String) -> WorldError {
            .corruptFile(path: path, key: key, expected: expected, found: found)
        }
        guard formatVersion == Self.formatVersion else {
            throw corrupt("formatVersion", "\(Self.formatVersion)", "\(formatVersion)")
        }
        guard vocabulary == .standard else {
            throw corrupt("vocabulary", "the words \(Vocabulary.standard)", "\(vocabulary)")
        }
        let names = Set(entities.map(\.name))
        guard names.count == entities.count else { throw corrupt("entities", "unique names", "a repeated name") }
        if let index = facts.firstIndex(where: { !names.contains($0.entity) }) {
            throw corrupt("facts[\(index)].entity", "the name of an entity", "\"\(facts[index].entity)\"")
        }
        let split = splits.captionedEntities + splits.heldOutEntities
        guard split.count == names.count, Set(split) == names else {
            throw corrupt("splits", "captionedEntities and heldOutEntities partitioning the \(names.count) entities",
                          "\(splits.captionedEntities.count) + \(splits.heldOutEntities.count) names")
        }
    }

    /// A decoding error as a ``WorldError`` naming the key path, the expected type and the value
    /// `data` holds there (or, for text that is not JSON, the line and column), on one line.
    static func corruption(_ error: DecodingError, path: String, data: Data) -> WorldError {
        func keyPath(_ codingPath: [any CodingKey]) -> String {
            let key = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return key.hasPrefix(".") ? String(key.dropFirst()) : (key.isEmpty ? "<root>" : key)
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .corruptFile(path: path, key: keyPath(context.codingPath + [key]), expected: "a value", found: "no key")
        case .typeMismatch(let type, let context):
            return .corruptFile(path: path, key: keyPath(context.codingPath), expected: expectation(type),
                                found: value(at: context.codingPath, in: data))
        case .valueNotFound(let type, let context):
            return .corruptFile(path: path, key: keyPath(context.codingPath), expected: "\(type)", found: "null")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            let reason = (try? JSONSerialization.jsonObject(with: data)).map { _ in context.debugDescription }
            return .corruptFile(path: path, key: "<root>", expected: "valid JSON",
                                found: reason ?? Self.syntaxError(in: data))
        case .dataCorrupted(let context):
            return .corruptFile(path: path, key: keyPath(context.codingPath), expected: "a valid value",
                                found: value(at: context.codingPath, in: data))
        @unknown default:
            return .corruptFile(path: path, key: "<root>", expected: "a world", found: "\(error)")
        }
    }

    /// A Swift type as a world-file author thinks of it.
    private static func expectation(_ type: Any.Type) -> String {
        switch "\(type)" {
        case "Int", "UInt64", "Int64": "an integer"
        case "Double", "Float": "a number"
        case "String": "a string"
        case "Bool": "true or false"
        case let name where name.hasPrefix("Array"): "a list"
        case let name where name.hasPrefix("Dictionary"): "an object"
        case let name: name
        }
    }

    /// The JSON value at `codingPath` in `data`, rendered on one line (at most 60 characters).
    private static func value(at codingPath: [any CodingKey], in data: Data) -> String {
        var current = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        for key in codingPath {
            if let index = key.intValue, let array = current as? [Any] {
                current = array.indices.contains(index) ? array[index] : nil
            } else {
                current = (current as? [String: Any])?[key.stringValue]
            }
        }
        guard let current, !(current is NSNull),
              let json = try? JSONSerialization.data(withJSONObject: current, options: [.fragmentsAllowed, .sortedKeys])
        else { return "null" }
        let text = String(decoding: json, as: UTF8.self)
        return text.count <= 60 ? text : String(text.prefix(57)) + "..."
    }

    /// Where `data` stops being JSON (`line 3, column 7: …`).
    private static func syntaxError(in data: Data) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: data)
            return "not a world"
        } catch {
            return ErrorText.json(error, in: data)
        }
    }
}
