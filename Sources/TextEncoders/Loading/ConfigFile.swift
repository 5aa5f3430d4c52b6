import Foundation
import ModelInterfaces
import ModelIO

/// A Hugging Face `config.json`, read leniently (transformers writes many keys an architecture
/// does not use) but with typed accessors whose errors name the file and the key.
struct ConfigFile {
    let path: String
    let values: [String: Any]

    init(url: URL) throws {
        try self.init(path: url.path(percentEncoded: false), data: try Self.contents(of: url))
    }

    /// The bytes of the config file at `url` (kept by the loader for the model's fingerprint).
    static func contents(of url: URL) throws -> Data {
        let path = url.path(percentEncoded: false)
        guard FileManager.default.fileExists(atPath: path) else {
            throw TextEncoderError.unreadableFile(file: path, reason: "no such file (is this a checkpoint directory?)")
        }
        do { return try Data(contentsOf: url) } catch {
            throw TextEncoderError.unreadableFile(file: path, reason: error.localizedDescription)
        }
    }

    /// Parses `data`, the bytes of the file at `path`.
    init(path: String, data: Data) throws {
        self.path = path
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw TextEncoderError.unreadableFile(file: path, reason: "not a JSON object")
        }
        values = object
    }

    init(path: String, values: [String: Any]) {
        self.path = path
        self.values = values
    }

    /// The nested object at `key` as its own config (for `text_config`).
    func nested(_ key: String) -> ConfigFile? {
        (values[key] as? [String: Any]).map { ConfigFile(path: "\(path) (\(key))", values: $0) }
    }

    func int(_ key: String, default fallback: Int? = nil) throws -> Int {
        if let number = values[key] as? NSNumber, !number.isJSONBoolean, number.doubleValue == number.doubleValue.rounded() {
            return number.intValue
        }
        if values[key] == nil || values[key] is NSNull, let fallback { return fallback }
        throw invalid(key, "expected an integer, found \(describe(values[key]))")
    }

    func float(_ key: String, default fallback: Float? = nil) throws -> Float {
        if let number = values[key] as? NSNumber, !number.isJSONBoolean { return number.floatValue }
        if values[key] == nil || values[key] is NSNull, let fallback { return fallback }
        throw invalid(key, "expected a number, found \(describe(values[key]))")
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        if values[key] == nil || values[key] is NSNull { return fallback }
        if let number = values[key] as? NSNumber, number.isJSONBoolean { return number.boolValue }
        throw invalid(key, "expected true or false, found \(describe(values[key]))")
    }

    func string(_ key: String) throws -> String {
        if let value = values[key] as? String { return value }
        throw invalid(key, "expected a string, found \(describe(values[key]))")
    }

    func optionalObject(_ key: String) -> [String: Any]? { values[key] as? [String: Any] }

    func invalid(_ key: String, _ reason: String) -> TextEncoderError {
        .invalidConfiguration(file: path, key: key, reason: reason)
    }

    private func describe(_ value: Any?) -> String {
        guard let value, !(value is NSNull) else { return "nothing" }
        return "\(value)"
    }
}
