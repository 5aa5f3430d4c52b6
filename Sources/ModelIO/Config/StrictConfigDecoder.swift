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
/// file, the key path, the line (YAML), the expected type and the value found.
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
        try decode(
            type, from: FileContents.read(url), format: Format(fileExtension: url.pathExtension),
            file: url.path(percentEncoded: false), allowedKeys: allowedKeys)
    }

    /// Decodes `data`, whose top level must be a mapping whose keys are all in `allowedKeys`.
    ///
    /// Validation inside the type's `init(from:)` reports a bad value by throwing
    /// `DecodingError.dataCorrupted` at the value's coding path (for instance through
    /// `DecodingError.dataCorruptedError(forKey:in:debugDescription:)`) with a description that
    /// says what was expected; it becomes ``ModelIOError/invalidConfigValue(file:keyPath:line:expected:found:)``
    /// quoting the value as the document writes it.
    ///
    /// - Parameter file: the name used in error messages.
    /// - Throws: ``ModelIOError/malformedConfig(file:reason:)`` for a syntax error or a top level
    ///   that is not a mapping; ``ModelIOError/unknownConfigKey(file:key:line:validKeys:suggestion:)``
    ///   for the first unknown key (document order in YAML, sorted order in JSON);
    ///   ``ModelIOError/missingConfigKey(file:keyPath:)``,
    ///   ``ModelIOError/configTypeMismatch(file:keyPath:line:expected:found:)`` and
    ///   ``ModelIOError/invalidConfigValue(file:keyPath:line:expected:found:)`` from decoding.
    public static func decode<T: Decodable>(
        _ type: T.Type, from data: Data, format: Format, file: String, allowedKeys: [String]
    ) throws -> T {
        let document = try ConfigDocument(data: data, format: format, file: file)
        try check(document.topLevelKeys, allowedKeys: allowedKeys, file: file)
        do {
            return try document.decode(type)
        } catch let error as DecodingError {
            throw translate(error, file: file, document: document)
        } catch let error as ModelIOError {
            throw error
        } catch {
            throw ModelIOError.malformedConfig(file: file, reason: "\(error)")
        }
    }

    /// The top-level keys of `data` with their lines (YAML: document order; JSON: sorted, no
    /// lines). Callers that decode a document in phases (a header such as `alg_name` first, then
    /// the type it selects) read the keys here and allow them all in the first phase.
    ///
    /// - Throws: ``ModelIOError/malformedConfig(file:reason:)`` as ``decode(_:from:format:file:allowedKeys:)``.
    public static func topLevelKeys(in data: Data, format: Format, file: String) throws -> [ConfigKey] {
        try ConfigDocument(data: data, format: format, file: file).topLevelKeys
    }

    /// Throws for the first key (with its line, when known) that is not allowed.
    private static func check(_ keys: [ConfigKey], allowedKeys: [String], file: String) throws {
        let allowed = Set(allowedKeys)
        guard let key = keys.first(where: { !allowed.contains($0.name) }) else { return }
        throw ModelIOError.unknownConfigKey(
            file: file, key: key.name, line: key.line, validKeys: allowedKeys.sorted(),
            suggestion: EditDistance.suggestions(for: key.name, among: allowedKeys, limit: 1).first)
    }

    private static func translate(_ error: DecodingError, file: String, document: ConfigDocument) -> ModelIOError {
        switch error {
        case .keyNotFound:
            return .missingConfigKey(file: file, keyPath: error.keyPath)
        case let .typeMismatch(type, context), let .valueNotFound(type, context):
            let value = document.value(at: context.codingPath)
            return .configTypeMismatch(
                file: file, keyPath: error.keyPath, line: value?.line, expected: typeDescription(type),
                found: value?.text ?? "nothing")
        case let .dataCorrupted(context) where !context.codingPath.isEmpty:
            let value = document.value(at: context.codingPath)
            return .invalidConfigValue(
                file: file, keyPath: error.keyPath, line: value?.line, expected: context.debugDescription,
                found: value?.text ?? "nothing")
        default:
            return .malformedConfig(file: file, reason: error.summary)
        }
    }

    /// A type as a configuration author thinks of it: `an integer`, `a number`, `a list`, … (the
    /// YAML decoder names its node types `Scalar`, `Sequence` and `Mapping`, the JSON decoder
    /// `Array<Any>`).
    static func typeDescription(_ type: Any.Type) -> String {
        let name = "\(type)"
        switch name {
        case "Int", "Int8", "Int16", "Int32", "Int64", "UInt", "UInt8", "UInt16", "UInt32", "UInt64":
            return "an integer"
        case "Double", "Float", "Float16", "Decimal": return "a number"
        case "String": return "a string"
        case "Bool": return "a boolean"
        case "Scalar": return "a single value"
        default:
            if name == "Sequence" || name.hasPrefix("Array") { return "a list" }
            if name == "Mapping" || name.hasPrefix("Dictionary") { return "a mapping" }
            return name
        }
    }
}
