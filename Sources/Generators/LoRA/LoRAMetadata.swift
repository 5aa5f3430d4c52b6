import Foundation
import ModelIO

/// The adapter settings diffusers stores in a LoRA file's safetensors `__metadata__`, under the
/// key `lora_adapter_metadata`: a JSON object of PEFT `LoraConfig` fields, each prefixed with the
/// component name (`"transformer.r": 4`, `"transformer.lora_alpha": 8`), written by
/// `LoraBaseMixin.write_lora_layers` and read back by `_create_lora_config`
/// (`src/diffusers/loaders/lora_base.py`, `src/diffusers/utils/peft_utils.py`).
///
/// Per-module exceptions come from `rank_pattern` / `alpha_pattern`: a pattern key k applies to
/// module m when the regular expression `(.*\.)?(k)$` matches all of m (PEFT's rule).
struct LoRAMetadata {
    /// The `__metadata__` key holding the JSON.
    static let key = "lora_adapter_metadata"

    var rank: Int?
    var alpha: Float?
    var rankPattern: [(pattern: String, value: Int)] = []
    var alphaPattern: [(pattern: String, value: Float)] = []
    var rankStabilized = false

    init(rank: Int?, alpha: Float?) {
        self.rank = rank
        self.alpha = alpha
    }

    /// Reads the `component`'s fields from `fileMetadata`; no metadata (or none for `component`)
    /// gives empty settings, and absent fields of present metadata take PEFT's defaults.
    ///
    /// - Throws: ``GeneratorError/invalidLoRA(file:key:reason:)`` for JSON that does not parse, a
    ///   field of the wrong type, or DoRA (`use_dora: true`), which is not supported.
    init(fileMetadata: [String: String], component: String, file: String) throws {
        guard let text = fileMetadata[Self.key] else { return }
        func invalid(_ field: String, _ reason: String) -> GeneratorError {
            .invalidLoRA(file: file, key: "__metadata__.\(Self.key)\(field.isEmpty ? "" : ".")\(field)", reason: reason)
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw invalid("", "is not a JSON object")
        }
        let prefix = component + "."
        var fields: [String: Any] = [:]
        for (key, value) in object where key.hasPrefix(prefix) { fields[String(key.dropFirst(prefix.count))] = value }

        func number(_ field: String) throws -> Double? {
            guard let value = fields[field], !(value is NSNull) else { return nil }
            guard let number = value as? NSNumber, !number.isJSONBoolean else {
                throw invalid(prefix + field, "expected a number, found \(value)")
            }
            return number.doubleValue
        }
        func integer(_ field: String, _ value: Double) throws -> Int {
            guard value == value.rounded(), value > 0 else {
                throw invalid(field, "expected a positive integer, found \(value)")
            }
            return Int(value)
        }
        func patterns(_ field: String) throws -> [(String, Double)] {
            guard let value = fields[field], !(value is NSNull) else { return [] }
            guard let dictionary = value as? [String: Any] else {
                throw invalid(prefix + field, "expected an object of pattern → number")
            }
            return try dictionary.keys.sorted().map { pattern in
                guard let number = dictionary[pattern] as? NSNumber else {
                    throw invalid(prefix + field + "." + pattern, "expected a number")
                }
                return (pattern, number.doubleValue)
            }
        }
        guard !fields.isEmpty else { return }
        // diffusers builds `LoraConfig(**fields)`, so absent fields take PEFT's defaults (r = α = 8).
        rank = try number("r").map { try integer(prefix + "r", $0) } ?? 8
        alpha = try number("lora_alpha").map(Float.init) ?? 8
        rankPattern = try patterns("rank_pattern").map { ($0.0, try integer(prefix + "rank_pattern." + $0.0, $0.1)) }
        alphaPattern = try patterns("alpha_pattern").map { ($0.0, Float($0.1)) }
        rankStabilized = fields["use_rslora"] as? Bool ?? false
        if fields["use_dora"] as? Bool == true { throw invalid(prefix + "use_dora", "DoRA adapters are not supported") }
    }

    /// The configured rank of `module` (pattern first), if the metadata gives one.
    func rank(of module: String) -> Int? {
        rankPattern.first { Self.matches($0.pattern, module) }?.value ?? rank
    }

    /// The configured α of `module` (pattern first), if the metadata gives one.
    func alpha(of module: String) -> Float? {
        alphaPattern.first { Self.matches($0.pattern, module) }?.value ?? alpha
    }

    /// `(.*\.)?(pattern)$` matched against the whole module name (an invalid expression matches
    /// only the identical name).
    private static func matches(_ pattern: String, _ module: String) -> Bool {
        guard let expression = try? NSRegularExpression(pattern: "^(.*\\.)?(\(pattern))$") else {
            return pattern == module
        }
        let range = NSRange(module.startIndex..., in: module)
        return expression.firstMatch(in: module, range: range) != nil
    }

    /// The JSON text diffusers writes for these settings on `targets` (sorted keys).
    func json(component: String, targets: [String]) throws -> String {
        let prefix = component + "."
        var object: [String: Any] = [
            prefix + "target_modules": targets,
            prefix + "rank_pattern": Dictionary(uniqueKeysWithValues: rankPattern.map { ($0.pattern, $0.value) }),
            prefix + "alpha_pattern": Dictionary(
                uniqueKeysWithValues: alphaPattern.map { ($0.pattern, Double($0.value)) }),
            prefix + "use_rslora": rankStabilized,
            prefix + "use_dora": false,
            prefix + "lora_dropout": 0.0,
            prefix + "bias": "none",
        ]
        if let rank { object[prefix + "r"] = rank }
        if let alpha { object[prefix + "lora_alpha"] = Double(alpha) }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        return String(decoding: data, as: UTF8.self)
    }
}
