import Foundation
import ModelInterfaces
import Tensors

/// Rotary position embedding tables, computed as transformers computes them (Float32:
/// inv_freq = 1 / θ^(2i/d), angles = position · inv_freq) with the `rope_scaling` variants we
/// support: none (`default`), `linear` and `llama3`
/// (transformers `modeling_rope_utils.py`). Qwen2.5-VL's `mrope` reduces to 1-D RoPE for text
/// (all three position streams are equal), so it uses the default frequencies.
struct RotaryEmbedding {
    let inverseFrequencies: [Float]

    enum Scaling: Equatable {
        case none
        case linear(factor: Float)
        case llama3(factor: Float, lowFrequencyFactor: Float, highFrequencyFactor: Float, originalContext: Float)
    }

    init(dimension: Int, base: Float, scaling: Scaling) {
        var frequencies = stride(from: 0, to: dimension, by: 2).map { i in
            1 / Foundation.pow(base, Float(i) / Float(dimension))
        }
        switch scaling {
        case .none: break
        case .linear(let factor):
            frequencies = frequencies.map { $0 / factor }
        case let .llama3(factor, low, high, original):
            let lowWavelength = original / low, highWavelength = original / high
            frequencies = frequencies.map { f in
                let wavelength = 2 * Float.pi / f
                if wavelength < highWavelength { return f }
                if wavelength > lowWavelength { return f / factor }
                let smooth = (original / wavelength - low) / (high - low)
                return (1 - smooth) * f / factor + smooth * f
            }
        }
        inverseFrequencies = frequencies
    }

    /// cos and sin tables `[length, dimension/2]` for positions `0..<length`.
    func tables(length: Int) -> (cos: Tensor, sin: Tensor) {
        let half = inverseFrequencies.count
        var angles = [Float](repeating: 0, count: length * half)
        for p in 0..<length { for i in 0..<half { angles[p * half + i] = Float(p) * inverseFrequencies[i] } }
        let table = Tensor(shape: [length, half], scalars: angles)
        return (table.cos(), table.sin())
    }

    /// Reads the rotary settings of a config: transformers ≥ 5 writes `rope_parameters`
    /// (`rope_theta`, `rope_type` and the scaling keys in one object); older configs have a
    /// top-level `rope_theta` and an optional `rope_scaling` object.
    ///
    /// Validated: `rope_theta` and every scaling factor finite and positive, llama3's
    /// `low_freq_factor` below its `high_freq_factor`, and a multimodal `mrope_section` three
    /// positive integers adding up to half the head dimension.
    ///
    /// - Throws: ``TextEncoderError/invalidConfiguration(file:key:reason:)`` naming the key
    ///   (`rope_parameters.factor`, …).
    init(_ config: ConfigFile, dimension: Int, defaultBase: Float) throws {
        let objectKey = config.values["rope_parameters"] != nil ? "rope_parameters" : "rope_scaling"
        let object: ConfigFile?
        switch config.values[objectKey] {
        case nil, is NSNull: object = nil
        case let values as [String: Any]: object = ConfigFile(path: config.path, values: values, keyPrefix: "\(objectKey).")
        case let other?: throw config.invalid(objectKey, "expected an object, found \(other)")
        }
        let base = try (objectKey == "rope_parameters" ? object : nil)?.positiveFloat("rope_theta", default: defaultBase)
            ?? config.positiveFloat("rope_theta", default: defaultBase)
        self.init(dimension: dimension, base: base, scaling: try object.map { try Self.scaling(from: $0, dimension: dimension) } ?? .none)
    }

    /// Parses a `rope_scaling` (or `rope_parameters`) object.
    static func scaling(from object: ConfigFile, dimension: Int) throws -> Scaling {
        let type = try object.string("rope_type", default: object.string("type", default: "default"))
        if object.values["mrope_section"] != nil || type == "mrope" {
            try checkMultimodalSections(object, dimension: dimension)
        }
        switch type {
        case "default", "mrope": return .none
        case "linear": return .linear(factor: try object.positiveFloat("factor"))
        case "llama3":
            let (low, high) = (try object.positiveFloat("low_freq_factor"), try object.positiveFloat("high_freq_factor"))
            guard low < high else {
                throw object.invalid("low_freq_factor", "must be below high_freq_factor \(high), found \(low)")
            }
            return .llama3(factor: try object.positiveFloat("factor"), lowFrequencyFactor: low, highFrequencyFactor: high,
                           originalContext: try object.positiveFloat("original_max_position_embeddings"))
        default:
            throw object.invalid("rope_type", "\"\(type)\" is not supported (default, linear, llama3, mrope)")
        }
    }

    /// Qwen2.5-VL's `mrope_section`: the temporal, height and width shares of the head's
    /// `dimension / 2` rotary frequencies.
    private static func checkMultimodalSections(_ object: ConfigFile, dimension: Int) throws {
        let list = object.values["mrope_section"] as? [Any] ?? []
        let sections = list.compactMap { value -> Int? in
            guard let number = value as? NSNumber, !number.isJSONBoolean, number.doubleValue == number.doubleValue.rounded(),
                  (1...Double(ConfigLimits.width.upperBound)).contains(number.doubleValue) else { return nil }
            return number.intValue
        }
        guard list.count == 3, sections.count == 3, sections.reduce(0, +) == dimension / 2
        else {
            throw object.invalid("mrope_section", "expected three positive integers adding up to head_dim / 2 = \(dimension / 2), "
                                 + "found \(object.values["mrope_section"].map { "\($0)" } ?? "nothing")")
        }
    }
}
