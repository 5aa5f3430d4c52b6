import Foundation
import ModelIO

/// An EasyEdit hparams file (YAML or JSON), read in two phases.
///
/// Phase one (``init(contentsOf:)``) reads only the header: `alg_name`, or EasyEdit's legacy
/// `alg`, which selects the editor (``EditorRegistry``), as mlx-swift-lm reads `model_type` before
/// the model's own configuration. Phase two (``decode(_:)``) is the editor's: it decodes its own
/// hparams type strictly, so a key the type does not know is an error with a "did you mean", not
/// a silently ignored typo.
///
/// ```swift
/// let file = try HyperparameterFile(contentsOf: URL(filePath: "hparams/ROME/qwen2.5-7b.yaml"))
/// file.algorithmName                                    // "ROME"
/// let hparams = try file.decode(ROMEHyperparameters.self)
/// hparams.layers                                        // [5]
/// ```
///
/// ### Differences from EasyEdit's loader
/// - **Unknown keys** are errors in every algorithm (EasyEdit's dataclasses raise a `TypeError`
///   too, but name neither the file nor the line).
/// - **Quoted numbers.** EasyEdit turns *every* string value that parses as a float into a float
///   (that is how an unquoted `5e-1`, a string under YAML 1.1, becomes 0.5). We read `5e-1`
///   unquoted as a number anyway, and accept a quoted number (`v_lr: "5e-1"`) only where a real
///   number is expected. Integers, booleans and strings are never converted: `layers: ["5"]` is
///   an error, and `model_name: "7"` stays the string "7" (EasyEdit would make it 7.0).
/// - **Header.** `alg_name` and `alg` may both be present only when they agree (ignoring case);
///   both are allowed in every algorithm's file.
public struct HyperparameterFile: Sendable {
    /// The keys read in phase one; every phase-two decode allows them too.
    public static let headerKeys = ["alg_name", "alg"]

    /// The path as given, used in every error message.
    public let path: String
    /// The file's top-level keys with their lines (YAML: document order; JSON: sorted, no lines).
    public let keys: [ConfigKey]
    /// The value of `alg_name` (or of `alg` when `alg_name` is absent or null), as written.
    public let algorithmName: String
    /// The key that holds ``algorithmName``.
    public let algorithmKey: ConfigKey

    private let data: Data
    private let format: StrictConfigDecoder.Format

    /// The file's text, as written (saved beside edits for provenance).
    public var text: String { String(decoding: data, as: UTF8.self) }

    /// Reads the file and its header. As EasyEdit does, `.yaml` is appended to a path that ends in
    /// none of `.yaml`, `.yml` and `.json` (`hparams/ROME/gpt2-xl` reads `hparams/ROME/gpt2-xl.yaml`).
    ///
    /// - Throws: ``HyperparameterError``: the file cannot be read or parsed, or it names no
    ///   algorithm (``HyperparameterError/missingKey(file:key:)`` for `alg_name`).
    public init(contentsOf url: URL) throws {
        let resolved = ["yaml", "yml", "json"].contains(url.pathExtension.lowercased())
            ? url : url.deletingLastPathComponent().appending(path: url.lastPathComponent + ".yaml")
        let path = resolved.path(percentEncoded: false)
        let data: Data
        do {
            data = try Data(contentsOf: resolved)
        } catch {
            throw HyperparameterError.unreadableFile(file: path, reason: ErrorText.reason(error))
        }
        try self.init(data: data, format: StrictConfigDecoder.Format(fileExtension: resolved.pathExtension), path: path)
    }

    /// Reads the header of a document held in memory.
    ///
    /// - Parameter path: the name used in error messages.
    /// - Throws: as ``init(contentsOf:)``.
    public init(data: Data, format: StrictConfigDecoder.Format, path: String) throws {
        self.data = data
        self.format = format
        self.path = path
        let header: Header
        do {
            keys = try StrictConfigDecoder.topLevelKeys(in: data, format: format, file: path)
            header = try StrictConfigDecoder.decode(
                Header.self, from: data, format: format, file: path, allowedKeys: keys.map(\.name))
        } catch let error as ModelIOError {
            throw HyperparameterError(error, file: path)
        }
        let keys = keys
        let key = { (name: String) in keys.first { $0.name == name } ?? ConfigKey(name: name, line: nil) }
        switch (header.algName, header.alg) {
        case (nil, nil):
            throw HyperparameterError.missingKey(file: path, key: "alg_name")
        case let (name?, legacy?) where name.lowercased() != legacy.lowercased():
            throw HyperparameterError.invalidValue(
                file: path, key: "alg", line: key("alg").line,
                expected: "the algorithm that alg_name names ('\(name)'), or no alg key", found: legacy)
        case let (name?, _):
            (algorithmName, algorithmKey) = (name, key("alg_name"))
        case let (nil, legacy?):
            (algorithmName, algorithmKey) = (legacy, key("alg"))
        }
    }

    /// Decodes `type` from the whole file, allowing exactly `keys` plus the header keys.
    ///
    /// - Throws: ``HyperparameterError``: an unknown key (with the nearest valid one), a missing
    ///   key, a value of the wrong type, or a value the type's own validation rejects.
    public func decode<T: Decodable>(_ type: T.Type, keys: [String]) throws -> T {
        let allowed = Self.headerKeys + keys.filter { !Self.headerKeys.contains($0) }
        do {
            return try StrictConfigDecoder.decode(type, from: data, format: format, file: path, allowedKeys: allowed)
        } catch let error as ModelIOError {
            throw HyperparameterError(error, file: path)
        }
    }

    /// Decodes `type`, allowing the keys of `keys` plus the header keys.
    public func decode<T: Decodable, Keys: CodingKey & CaseIterable>(_ type: T.Type, keys: Keys.Type) throws -> T {
        try decode(type, keys: keys.allCases.map(\.stringValue))
    }

    /// Decodes an hparams type that lists its own keys.
    public func decode<T: HyperparameterSet>(_ type: T.Type) throws -> T {
        try decode(type, keys: T.keys)
    }

    /// Phase one: the algorithm's name, under its current or its legacy key.
    private struct Header: Decodable {
        let algName: String?
        let alg: String?

        enum CodingKeys: String, CodingKey {
            case algName = "alg_name"
            case alg
        }
    }
}

/// An hparams type decoded by ``HyperparameterFile/decode(_:)``: it names the keys it reads.
public protocol HyperparameterSet: Decodable, Sendable {
    /// Every key the type reads, as the file spells it (the header keys need not be listed).
    static var keys: [String] { get }
}
