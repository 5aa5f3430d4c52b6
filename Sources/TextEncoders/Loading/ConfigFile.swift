import Foundation
import ModelInterfaces
import ModelIO

/// A Hugging Face `config.json`, read leniently (transformers writes many keys an architecture
/// does not use) but with typed accessors whose errors name the file and the key.
struct ConfigFile {
    let path: String
    let values: [String: Any]
    /// What error messages put before a key: `rope_parameters.` for a nested object.
    var keyPrefix = ""

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
            throw TextEncoderError.unreadableFile(file: path, reason: ErrorText.reason(error))
        }
    }

    /// Parses `data`, the bytes of the file at `path`.
    init(path: String, data: Data) throws {
        self.path = path
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: data) } catch {
            throw TextEncoderError.unreadableFile(file: path, reason: "invalid JSON: \(ErrorText.json(error, in: data))")
        }
        guard let object = parsed as? [String: Any] else {
            throw TextEncoderError.unreadableFile(file: path, reason: "not a JSON object")
        }
        values = object
    }

    init(path: String, values: [String: Any], keyPrefix: String = "") {
        self.path = path
        self.values = values
        self.keyPrefix = keyPrefix
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

    /// An integer in `range`: sizes and counts are positive and at most a bound no real checkpoint
    /// reaches (``ConfigLimits``), so a typo such as `1e12` fails here, before anything is built
    /// or allocated from it.
    func int(_ key: String, in range: ClosedRange<Int>, default fallback: Int? = nil) throws -> Int {
        let value = try int(key, default: fallback)
        guard range.contains(value) else {
            throw invalid(key, "expected an integer in \(range.lowerBound)...\(range.upperBound), found \(value)")
        }
        return value
    }

    /// A finite number greater than zero (norm epsilons, rope_theta, scaling factors).
    func positiveFloat(_ key: String, default fallback: Float? = nil) throws -> Float {
        let value = try float(key, default: fallback)
        guard value.isFinite, value > 0 else { throw invalid(key, "expected a finite number greater than 0, found \(value)") }
        return value
    }

    /// Throws unless `dividend` is a multiple of `divisor` (e.g. the width of a head count).
    func requireMultiple(_ dividendKey: String, _ dividend: Int, of divisorKey: String, _ divisor: Int) throws {
        guard divisor > 0, dividend % divisor == 0 else {
            throw invalid(dividendKey, "\(dividend) is not a multiple of \(divisorKey) \(divisor)")
        }
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

    func string(_ key: String, default fallback: String? = nil) throws -> String {
        if let value = values[key] as? String { return value }
        if values[key] == nil || values[key] is NSNull, let fallback { return fallback }
        throw invalid(key, "expected a string, found \(describe(values[key]))")
    }

    func optionalObject(_ key: String) -> [String: Any]? { values[key] as? [String: Any] }

    func invalid(_ key: String, _ reason: String) -> TextEncoderError {
        .invalidConfiguration(file: path, key: keyPrefix + key, reason: reason)
    }

    private func describe(_ value: Any?) -> String {
        guard let value, !(value is NSNull) else { return "nothing" }
        let text = "\(value)".split(whereSeparator: \.isNewline).joined(separator: " ")
        return text.count <= 60 ? text : String(text.prefix(57)) + "..."
    }
}
