import Foundation
import ModelInterfaces
import ModelIO

/// A Hugging Face `config.json`: its path and JSON object, decoded into an architecture's
/// `Codable` document (``decode(_:)``; transformers writes many keys an architecture does not
/// use, so unknown keys are allowed) and validated with the checks below, whose errors name the
/// file and the key.
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
            throw TextEncoderError.unreadableFile(file: path, reason: ErrorText.reason(error))
        }
    }

    /// Parses `data`, the bytes of the file at `path`.
    init(path: String, data: Data) throws {
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: data) } catch {
            throw TextEncoderError.unreadableFile(file: path, reason: "invalid JSON: \(ErrorText.json(error, in: data))")
        }
        guard let object = parsed as? [String: Any] else {
            throw TextEncoderError.unreadableFile(file: path, reason: "not a JSON object")
        }
        self.init(path: path, values: object)
    }

    init(path: String, values: [String: Any]) {
        self.path = path
        self.values = values
    }

    /// The nested object at `key` as its own config (for `text_config`).
    func nested(_ key: String) -> ConfigFile? {
        (values[key] as? [String: Any]).map { ConfigFile(path: "\(path) (\(key))", values: $0) }
    }

    // MARK: Validation of decoded values

    /// `value` (nil when the key is absent or null) or else `fallback`; "found nothing" when both
    /// are nil.
    func required<Value>(_ value: Value?, _ key: String, _ expected: String, default fallback: Value? = nil) throws -> Value {
        guard let value = value ?? fallback else { throw invalid(key, "expected \(expected), found nothing") }
        return value
    }

    /// An integer in `range`: sizes and counts are positive and at most a bound no real checkpoint
    /// reaches (``ConfigLimits``), so a typo such as `1e12` fails here, before anything is built
    /// or allocated from it.
    func integer(_ value: ConfigInteger?, _ key: String, in range: ClosedRange<Int>, default fallback: Int? = nil) throws -> Int {
        let value = try required(value?.value, key, "an integer", default: fallback)
        guard range.contains(value) else {
            throw invalid(key, "expected an integer in \(range.lowerBound)...\(range.upperBound), found \(value)")
        }
        return value
    }

    /// A finite number greater than zero (norm epsilons, rope_theta, scaling factors), as Float.
    func positive(_ value: Double?, _ key: String, default fallback: Float? = nil) throws -> Float {
        let number = try required(value.map(Float.init), key, "a number", default: fallback)
        guard number.isFinite, number > 0 else { throw invalid(key, "expected a finite number greater than 0, found \(number)") }
        return number
    }

    /// `value` (default `fallback`) when it is one of `supported`.
    func choice(_ value: String?, _ key: String, default fallback: String, supported: [String]) throws -> String {
        let value = value ?? fallback
        guard supported.contains(value) else {
            throw invalid(key, "\"\(value)\" is not supported (\(supported.joined(separator: ", ")))")
        }
        return value
    }

    /// Throws unless `dividend` is a multiple of `divisor` (e.g. the width of a head count).
    func requireMultiple(_ dividendKey: String, _ dividend: Int, of divisorKey: String, _ divisor: Int) throws {
        guard divisor > 0, dividend % divisor == 0 else {
            throw invalid(dividendKey, "\(dividend) is not a multiple of \(divisorKey) \(divisor)")
        }
    }

    func invalid(_ key: String, _ reason: String) -> TextEncoderError {
        .invalidConfiguration(file: path, key: key, reason: reason)
    }
}
