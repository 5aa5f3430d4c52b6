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
    init(_ config: ConfigFile, dimension: Int, defaultBase: Float) throws {
        if let parameters = config.optionalObject("rope_parameters") {
            let base = (parameters["rope_theta"] as? NSNumber)?.floatValue ?? defaultBase
            self.init(dimension: dimension, base: base, scaling: try Self.scaling(from: parameters, file: config.path))
        } else {
            self.init(dimension: dimension, base: try config.float("rope_theta", default: defaultBase),
                      scaling: try Self.scaling(from: config.optionalObject("rope_scaling"), file: config.path))
        }
    }

    /// Parses a `rope_scaling` (or `rope_parameters`) object.
    static func scaling(from object: [String: Any]?, file: String) throws -> Scaling {
        guard let object else { return .none }
        let type = object["rope_type"] as? String ?? object["type"] as? String ?? "default"
        func number(_ key: String) throws -> Float {
            guard let value = (object[key] as? NSNumber)?.floatValue else {
                throw TextEncoderError.invalidConfiguration(file: file, key: "rope_scaling.\(key)", reason: "missing number for rope type \(type)")
            }
            return value
        }
        switch type {
        case "default", "mrope": return .none
        case "linear": return .linear(factor: try number("factor"))
        case "llama3":
            return .llama3(factor: try number("factor"), lowFrequencyFactor: try number("low_freq_factor"),
                           highFrequencyFactor: try number("high_freq_factor"),
                           originalContext: try number("original_max_position_embeddings"))
        default:
            throw TextEncoderError.invalidConfiguration(
                file: file, key: "rope_scaling.rope_type", reason: "\"\(type)\" is not supported (default, linear, llama3, mrope)")
        }
    }
}
