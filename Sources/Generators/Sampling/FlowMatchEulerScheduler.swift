import Foundation
import ModelIO

/// The flow-matching Euler sampler of diffusers' `FlowMatchEulerDiscreteScheduler`
/// (`src/diffusers/schedulers/scheduling_flow_match_euler_discrete.py`) as Qwen-Image configures it,
/// with the sigma schedule of `QwenImagePipeline` (`pipeline_qwenimage.py`).
///
/// For N steps and an image of L packed latent tokens:
///
///     σᵢ = 1 − i·(1 − 1/N)/(N − 1),  i = 0 … N−1          (linspace(1, 1/N, N))
///     μ = m·L + b,  m = (max_shift − base_shift)/(max_image_seq_len − base_image_seq_len),
///                   b = base_shift − m·base_image_seq_len
///     σᵢ ← e^μ / (e^μ + (1/σᵢ − 1))                        (exponential time shift; linear: μ/(μ + 1/σᵢ − 1))
///     σᵢ ← 1 − (1 − σᵢ)·(1 − shift_terminal)/(1 − σ_{N−1})  (when shift_terminal is set: the last σ becomes it)
///     σ_N = 0,  tᵢ = 1000·σᵢ (num_train_timesteps·σ)
///
/// Without dynamic shifting the static shift s applies instead: σ ← s·σ/(1 + (s − 1)·σ).
/// An Euler step moves the latents along the predicted velocity v ≈ noise − data:
/// x ← x + (σᵢ₊₁ − σᵢ)·v.
///
/// Computed in Float64 and rounded once (diffusers computes in float32; the schedules agree to
/// about 1e-7).
public struct FlowMatchEulerScheduler: Sendable, Equatable {
    public struct Configuration: Sendable, Equatable, Decodable {
        public var trainTimesteps = 1000
        public var shift = 1.0
        public var useDynamicShifting = false
        public var baseShift = 0.5
        public var maxShift = 1.15
        public var baseImageSequenceLength = 256
        public var maxImageSequenceLength = 4096
        public var shiftTerminal: Double?
        public var timeShift = TimeShift.exponential

        public enum TimeShift: String, Sendable, Decodable { case exponential, linear }

        /// diffusers' defaults.
        public init() {}

        /// Qwen-Image's `scheduler/scheduler_config.json`.
        public static var qwenImage: Configuration {
            var configuration = Configuration()
            configuration.useDynamicShifting = true
            configuration.maxShift = 0.9
            configuration.maxImageSequenceLength = 8192
            configuration.shiftTerminal = 0.02
            return configuration
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case trainTimesteps = "num_train_timesteps", shift, useDynamicShifting = "use_dynamic_shifting"
            case baseShift = "base_shift", maxShift = "max_shift", baseImageSequenceLength = "base_image_seq_len"
            case maxImageSequenceLength = "max_image_seq_len", shiftTerminal = "shift_terminal"
            case timeShift = "time_shift_type"
            // Accepted only with the values Qwen-Image uses (checked after decoding).
            case invertSigmas = "invert_sigmas", karras = "use_karras_sigmas", exponential = "use_exponential_sigmas"
            case beta = "use_beta_sigmas", stochastic = "stochastic_sampling"
            // diffusers' bookkeeping.
            case className = "_class_name", version = "_diffusers_version"
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
                try c.decodeIfPresent(T.self, forKey: key) ?? fallback
            }
            trainTimesteps = try value(.trainTimesteps, trainTimesteps)
            shift = try value(.shift, shift)
            useDynamicShifting = try value(.useDynamicShifting, useDynamicShifting)
            baseShift = try value(.baseShift, baseShift)
            maxShift = try value(.maxShift, maxShift)
            baseImageSequenceLength = try value(.baseImageSequenceLength, baseImageSequenceLength)
            maxImageSequenceLength = try value(.maxImageSequenceLength, maxImageSequenceLength)
            shiftTerminal = try c.decodeIfPresent(Double.self, forKey: .shiftTerminal)
            timeShift = try value(.timeShift, timeShift)
            for key in [CodingKeys.invertSigmas, .karras, .exponential, .beta, .stochastic]
            where try value(key, false) {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: c, debugDescription: "only false is supported (Qwen-Image's schedule)")
            }
        }
    }

    public var configuration: Configuration

    public init(_ configuration: Configuration = .qwenImage) {
        self.configuration = configuration
    }

    /// Reads a diffusers `scheduler_config.json`; unknown keys and unsupported options are errors.
    ///
    /// - Throws: ``ModelIOError`` naming the file and key.
    public init(contentsOf url: URL) throws {
        let configuration = try StrictConfigDecoder.decode(
            Configuration.self, contentsOf: url, keys: Configuration.CodingKeys.self)
        try self.init(validating: configuration, file: url.path(percentEncoded: false))
    }

    init(validating configuration: Configuration, file: String) throws {
        func invalid(_ key: Configuration.CodingKeys, _ reason: String) -> GeneratorError {
            .invalidConfiguration(file: file, key: key.rawValue, reason: reason)
        }
        guard configuration.trainTimesteps > 0 else { throw invalid(.trainTimesteps, "must be positive") }
        guard configuration.shift > 0 else { throw invalid(.shift, "must be positive") }
        guard configuration.maxImageSequenceLength != configuration.baseImageSequenceLength else {
            throw invalid(.maxImageSequenceLength, "must differ from base_image_seq_len")
        }
        if let terminal = configuration.shiftTerminal, !(terminal > 0 && terminal < 1) {
            throw invalid(.shiftTerminal, "must lie in (0, 1), found \(terminal)")
        }
        self.configuration = configuration
    }

    /// μ for an image of `imageSequenceLength` packed latent tokens.
    public func mu(imageSequenceLength: Int) -> Double {
        let c = configuration
        let slope = (c.maxShift - c.baseShift) / Double(c.maxImageSequenceLength - c.baseImageSequenceLength)
        return slope * Double(imageSequenceLength) + c.baseShift - slope * Double(c.baseImageSequenceLength)
    }

    /// The N + 1 noise levels σ₀ = shifted 1 > … > σ_{N−1} > σ_N = 0 of an `steps`-step sample.
    ///
    /// - Throws: ``GeneratorError/invalidInput(name:expected:found:)`` when `steps` < 1, or < 2 with
    ///   `shift_terminal` (one step leaves σ₀ = 1, which the terminal stretch cannot move; diffusers
    ///   returns NaN there).
    public func sigmas(steps: Int, imageSequenceLength: Int) throws -> [Double] {
        let c = configuration
        let fewest = c.shiftTerminal == nil ? 1 : 2
        guard steps >= fewest else {
            throw GeneratorError.invalidInput(name: "steps", expected: "at least \(fewest)", found: "\(steps)")
        }
        var sigmas = (0..<steps).map { i in
            steps == 1 ? 1 : 1 - Double(i) * (1 - 1 / Double(steps)) / Double(steps - 1)
        }
        if c.useDynamicShifting {
            let mu = mu(imageSequenceLength: imageSequenceLength)
            sigmas = sigmas.map { sigma in
                switch c.timeShift {
                case .exponential: Foundation.exp(mu) / (Foundation.exp(mu) + (1 / sigma - 1))
                case .linear: mu / (mu + (1 / sigma - 1))
                }
            }
        } else {
            sigmas = sigmas.map { c.shift * $0 / (1 + (c.shift - 1) * $0) }
        }
        if let terminal = c.shiftTerminal, let last = sigmas.last {
            let scale = (1 - last) / (1 - terminal)
            sigmas = sigmas.map { 1 - (1 - $0) / scale }
        }
        return sigmas + [0]
    }

    /// The model timesteps tᵢ = num_train_timesteps·σᵢ of the first N sigmas.
    public func timesteps(sigmas: [Double]) -> [Double] {
        sigmas.dropLast().map { $0 * Double(configuration.trainTimesteps) }
    }
}
