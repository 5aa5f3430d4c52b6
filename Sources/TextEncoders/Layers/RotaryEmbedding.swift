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

    /// A `rope_parameters` (or `rope_scaling`) object as written.
    struct Document: Codable {
        var ropeType: String?
        /// The older spelling of `rope_type`.
        var type: String?
        var ropeTheta: Double?
        var factor: Double?
        var lowFrequencyFactor: Double?
        var highFrequencyFactor: Double?
        var originalContext: Double?
        /// Qwen2.5-VL's multimodal sections; numbers, so that a fraction is refused by the check.
        var multimodalSections: [Double]?

        enum CodingKeys: String, CodingKey {
            case ropeType = "rope_type", type, ropeTheta = "rope_theta", factor
            case lowFrequencyFactor = "low_freq_factor", highFrequencyFactor = "high_freq_factor"
            case originalContext = "original_max_position_embeddings", multimodalSections = "mrope_section"
        }
    }

    /// Reads the rotary settings of a decoder's document: transformers ≥ 5 writes `rope_parameters`
    /// (`rope_theta`, `rope_type` and the scaling keys in one object); older configs have a
    /// top-level `rope_theta` and an optional `rope_scaling` object.
    ///
    /// Validated: `rope_theta` and every scaling factor finite and positive, llama3's
    /// `low_freq_factor` below its `high_freq_factor`, and a multimodal `mrope_section` three
    /// positive integers adding up to half the head dimension.
    ///
    /// - Throws: ``TextEncoderError/invalidConfiguration(file:key:reason:)`` naming the key
    ///   (`rope_parameters.factor`, …).
    init(_ document: RoPEDecoder.Configuration.Document, in config: ConfigFile, dimension: Int, defaultBase: Float) throws {
        let base: Float
        let scaling: Scaling
        if let parameters = document.ropeParameters {
            base = try config.positive(parameters.ropeTheta, "rope_parameters.rope_theta", default: defaultBase)
            scaling = try Self.scaling(parameters, key: "rope_parameters", in: config, dimension: dimension)
        } else {
            base = try config.positive(document.ropeTheta, "rope_theta", default: defaultBase)
            scaling = try document.ropeScaling.map { try Self.scaling($0, key: "rope_scaling", in: config, dimension: dimension) } ?? .none
        }
        self.init(dimension: dimension, base: base, scaling: scaling)
    }

    /// Validates a `rope_scaling` (or `rope_parameters`) object, the value of `key`.
    static func scaling(_ object: Document, key: String, in config: ConfigFile, dimension: Int) throws -> Scaling {
        let type = object.ropeType ?? object.type ?? "default"
        if object.multimodalSections != nil || type == "mrope" {
            try checkMultimodalSections(object.multimodalSections, key: "\(key).mrope_section", in: config, dimension: dimension)
        }
        func positive(_ value: Double?, _ name: String) throws -> Float { try config.positive(value, "\(key).\(name)") }
        switch type {
        case "default", "mrope": return .none
        case "linear": return .linear(factor: try positive(object.factor, "factor"))
        case "llama3":
            let (low, high) = (try positive(object.lowFrequencyFactor, "low_freq_factor"), try positive(object.highFrequencyFactor, "high_freq_factor"))
            guard low < high else {
                throw config.invalid("\(key).low_freq_factor", "must be below high_freq_factor \(high), found \(low)")
            }
            return .llama3(factor: try positive(object.factor, "factor"), lowFrequencyFactor: low, highFrequencyFactor: high,
                           originalContext: try positive(object.originalContext, "original_max_position_embeddings"))
        default:
            throw config.invalid("\(key).rope_type", "\"\(type)\" is not supported (default, linear, llama3, mrope)")
        }
    }

    /// Qwen2.5-VL's `mrope_section`: the temporal, height and width shares of the head's
    /// `dimension / 2` rotary frequencies.
    private static func checkMultimodalSections(_ sections: [Double]?, key: String, in config: ConfigFile, dimension: Int) throws {
        let list = sections ?? []
        let valid = list.allSatisfy { $0 == $0.rounded() && (1...Double(ConfigLimits.width.upperBound)).contains($0) }
        guard list.count == 3, valid, list.reduce(0, +) == Double(dimension / 2) else {
            throw config.invalid(key, "expected three positive integers adding up to head_dim / 2 = \(dimension / 2), "
                                 + "found \(sections.map { "\($0)" } ?? "nothing")")
        }
    }
}
