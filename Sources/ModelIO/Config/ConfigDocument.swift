import Foundation
import Yams

/// A top-level key of a configuration document, with its 1-based line when the syntax records
/// one (YAML); JSON keys carry no line.
public struct ConfigKey: Sendable, Equatable, CustomStringConvertible {
    public let name: String
    public let line: Int?

    public init(name: String, line: Int?) {
        self.name = name
        self.line = line
    }

    public var description: String { line.map { "\(name) (line \($0))" } ?? name }
}

/// A configuration document parsed once: its top-level keys for the unknown-key check, the
/// decoder input, and the raw values, so that a decoding error can quote what it failed on.
struct ConfigDocument {
    private enum Root {
        case json(data: Data, object: [String: Any])
        case yaml(Node)
    }

    private let root: Root
    /// Top-level keys: document order in YAML, sorted in JSON (JSONSerialization loses the order).
    let topLevelKeys: [ConfigKey]

    /// Parses `data`, whose top level must be a mapping.
    ///
    /// - Throws: ``ModelIOError/malformedConfig(file:reason:)`` for a syntax error, text that is not
    ///   UTF-8, or a top level that is not a mapping.
    init(data: Data, format: StrictConfigDecoder.Format, file: String) throws {
        switch format {
        case .json:
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: data)
            } catch {
                throw ModelIOError.malformedConfig(file: file, reason: "invalid JSON: \(ErrorText.json(error, in: data))")
            }
            guard let dictionary = object as? [String: Any] else {
                throw ModelIOError.malformedConfig(file: file, reason: "the top level is not a JSON object")
            }
            root = .json(data: data, object: dictionary)
            topLevelKeys = dictionary.keys.sorted().map { ConfigKey(name: $0, line: nil) }
        case .yaml:
            guard let text = String(data: data, encoding: .utf8) else {
                throw ModelIOError.malformedConfig(file: file, reason: "not valid UTF-8")
            }
            let node: Node?
            do {
                node = try Yams.compose(yaml: text)
            } catch {
                throw ModelIOError.malformedConfig(file: file, reason: YAMLLimits.reason(error))
            }
            if let node { try YAMLLimits.checkExpansion(node, file: file) }
            guard let mapping = node?.mapping else {
                throw ModelIOError.malformedConfig(file: file, reason: "the top level is not a mapping")
            }
            root = .yaml(.mapping(mapping))
            topLevelKeys = mapping.keys.map { ConfigKey(name: $0.string ?? "\($0)", line: $0.mark?.line) }
        }
    }

    /// Decodes the whole document as `T` (errors are the decoders' own `DecodingError`s).
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        switch root {
        case .json(let data, _): try JSONDecoder().decode(type, from: data)
        case .yaml(let node): try YAMLDecoder().decode(type, from: node)
        }
    }

    /// The value at `path` as the document writes it (`5e-1`, `"fast"`, `[4, 5]`, `null`), at
    /// most 60 characters, and its line (YAML only); `nil` when nothing is at `path`.
    func value(at path: [any CodingKey]) -> (text: String, line: Int?)? {
        switch root {
        case .json(_, let object):
            var current: Any = object
            for key in path {
                guard let next = Self.child(of: current, key) else { return nil }
                current = next
            }
            return (Self.abbreviated(Self.render(json: current)), nil)
        case .yaml(let node):
            var current = node
            for key in path {
                guard let next = Self.child(of: current, key) else { return nil }
                current = next
            }
            return (Self.abbreviated(Self.render(yaml: current)), current.mark?.line)
        }
    }

    // MARK: Navigation and rendering

    private static func child(of value: Any, _ key: any CodingKey) -> Any? {
        if let index = key.intValue, let array = value as? [Any] {
            return array.indices.contains(index) ? array[index] : nil
        }
        return (value as? [String: Any])?[key.stringValue]
    }

    private static func child(of node: Node, _ key: any CodingKey) -> Node? {
        switch node {
        case .sequence(let sequence):
            guard let index = key.intValue, sequence.indices.contains(index) else { return nil }
            return sequence[index]
        case .mapping(let mapping):
            return mapping.first { $0.key.string == key.stringValue }?.value
        case .scalar, .alias:
            return nil
        }
    }

    private static func render(json value: Any) -> String {
        switch value {
        case let string as String:
            return "\"\(string)\""
        case let number as NSNumber:
            // JSONSerialization returns booleans as NSNumbers of Objective-C type `c`.
            return String(cString: number.objCType) == "c" ? "\(number.boolValue)" : "\(number)"
        case let array as [Any]:
            return "[" + array.map { render(json: $0) }.joined(separator: ", ") + "]"
        case let object as [String: Any]:
            let entries = object.sorted { $0.key < $1.key }.map { "\($0.key): \(render(json: $0.value))" }
            return "{" + entries.joined(separator: ", ") + "}"
        default:
            return "null"
        }
    }

    private static func render(yaml node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            switch scalar.style {
            case .singleQuoted: return "'\(scalar.string)'"
            case .doubleQuoted: return "\"\(scalar.string)\""
            default: return scalar.string.isEmpty ? "null" : scalar.string
            }
        case .sequence(let sequence):
            return "[" + sequence.map { render(yaml: $0) }.joined(separator: ", ") + "]"
        case .mapping(let mapping):
            let entries = mapping.map { "\(render(yaml: $0.key)): \(render(yaml: $0.value))" }
            return "{" + entries.joined(separator: ", ") + "}"
        case .alias:
            return "an alias"
        }
    }

    private static func abbreviated(_ text: String) -> String {
        text.count <= 60 ? text : String(text.prefix(57)) + "..."
    }
}
