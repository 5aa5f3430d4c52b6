import Foundation
import Yams

/// Decodes configuration files (JSON such as `config.json`, or YAML such as EasyEdit hparams) into
/// `Decodable` types, rejecting keys the type does not know.
///
/// `Decodable` silently ignores unknown keys, so a misspelt optional key (`layres: [5]`) would fall
/// back to its default without a word. This decoder first reads the document's top-level keys and
/// compares them with the allowed ones, then decodes. The unknown-key check runs first because a
/// misspelling usually also makes a required key "missing", and "unknown key 'layres'; did you mean
/// 'layers'?" is the more useful message. Decoding errors become ``ModelIOError`` cases naming the
/// file, the key path and the expected type.
///
/// Only the top level is checked; nested objects are the nested types' own business.
///
/// ```swift
/// struct Hparams: Decodable {
///     let layers: [Int]
///     let learningRate: Double
///     enum CodingKeys: String, CodingKey, CaseIterable { case layers; case learningRate = "lr" }
/// }
/// let hparams = try StrictConfigDecoder.decode(Hparams.self, contentsOf: url, keys: Hparams.CodingKeys.self)
/// ```
public enum StrictConfigDecoder {
    /// The document syntax.
    public enum Format: Sendable {
        case json, yaml

        /// `.yaml` for `.yaml`/`.yml` files, `.json` otherwise.
        public init(fileExtension: String) {
            self = ["yaml", "yml"].contains(fileExtension.lowercased()) ? .yaml : .json
        }
    }

    /// Decodes the file at `url` (format from its extension), allowing the keys of `keys`.
    ///
    /// - Throws: ``ModelIOError/fileNotReadable(file:reason:)`` and the errors of
    ///   ``decode(_:from:format:file:allowedKeys:)``.
    public static func decode<T: Decodable, Keys: CodingKey & CaseIterable>(
        _ type: T.Type, contentsOf url: URL, keys: Keys.Type
    ) throws -> T {
        try decode(type, contentsOf: url, allowedKeys: keys.allCases.map(\.stringValue))
    }

    /// Decodes the file at `url` (format from its extension), allowing exactly `allowedKeys`.
    ///
    /// - Throws: ``ModelIOError/fileNotReadable(file:reason:)`` and the errors of
    ///   ``decode(_:from:format:file:allowedKeys:)``.
    public static func decode<T: Decodable>(_ type: T.Type, contentsOf url: URL, allowedKeys: [String]) throws -> T {
        let path = url.path(percentEncoded: false)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ModelIOError.fileNotReadable(file: path, reason: error.localizedDescription)
        }
        return try decode(
            type, from: data, format: Format(fileExtension: url.pathExtension), file: path, allowedKeys: allowedKeys)
    }

    /// Decodes `data`, whose top level must be a mapping whose keys are all in `allowedKeys`.
    ///
    /// - Parameter file: the name used in error messages.
    /// - Throws: ``ModelIOError/malformedConfig(file:reason:)`` for a syntax error or a top level
    ///   that is not a mapping; ``ModelIOError/unknownConfigKey(file:key:line:validKeys:suggestion:)``
    ///   for the first unknown key (document order in YAML, sorted order in JSON);
    ///   ``ModelIOError/missingConfigKey(file:keyPath:)`` and
    ///   ``ModelIOError/configTypeMismatch(file:keyPath:expected:)`` from decoding.
    public static func decode<T: Decodable>(
        _ type: T.Type, from data: Data, format: Format, file: String, allowedKeys: [String]
    ) throws -> T {
        do {
            switch format {
            case .json:
                let keys = try jsonTopLevelKeys(data, file: file)
                try check(keys.map { ($0, nil) }, allowedKeys: allowedKeys, file: file)
                return try JSONDecoder().decode(type, from: data)
            case .yaml:
                guard let text = String(data: data, encoding: .utf8) else {
                    throw ModelIOError.malformedConfig(file: file, reason: "not valid UTF-8")
                }
                guard let mapping = try Yams.compose(yaml: text)?.mapping else {
                    throw ModelIOError.malformedConfig(file: file, reason: "the top level is not a mapping")
                }
                let keys = Array(mapping.keys).map { ($0.string ?? "\($0)", $0.mark?.line) }
                try check(keys, allowedKeys: allowedKeys, file: file)
                return try YAMLDecoder().decode(type, from: Node.mapping(mapping))
            }
        } catch let error as ModelIOError {
            throw error
        } catch let error as DecodingError {
            throw translate(error, file: file)
        } catch {
            throw ModelIOError.malformedConfig(file: file, reason: "\(error)")
        }
    }

    /// The top-level keys of a JSON object, sorted (JSONSerialization does not keep document order).
    private static func jsonTopLevelKeys(_ data: Data, file: String) throws -> [String] {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ModelIOError.malformedConfig(file: file, reason: "invalid JSON: \(error.localizedDescription)")
        }
        guard let dictionary = object as? [String: Any] else {
            throw ModelIOError.malformedConfig(file: file, reason: "the top level is not a JSON object")
        }
        return dictionary.keys.sorted()
    }

    /// Throws for the first key (with its line, when known) that is not allowed.
    private static func check(_ keys: [(String, Int?)], allowedKeys: [String], file: String) throws {
        let allowed = Set(allowedKeys)
        guard let (key, line) = keys.first(where: { !allowed.contains($0.0) }) else { return }
        throw ModelIOError.unknownConfigKey(
            file: file, key: key, line: line, validKeys: allowedKeys.sorted(),
            suggestion: EditDistance.suggestions(for: key, among: allowedKeys, limit: 1).first)
    }

    private static func translate(_ error: DecodingError, file: String) -> ModelIOError {
        switch error {
        case .keyNotFound:
            .missingConfigKey(file: file, keyPath: error.keyPath)
        case let .typeMismatch(type, _), let .valueNotFound(type, _):
            .configTypeMismatch(file: file, keyPath: error.keyPath, expected: "\(type)")
        default:
            .malformedConfig(file: file, reason: error.summary)
        }
    }
}
