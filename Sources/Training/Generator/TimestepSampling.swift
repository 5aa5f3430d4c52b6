import Foundation
import Tensors

/// How a rectified-flow training step draws each example's noise level σ, as diffusers'
/// `compute_density_for_timestep_sampling` and the Qwen-Image DreamBooth script do
/// (`examples/dreambooth/train_dreambooth_lora_qwen_image.py`):
///
///     u ~ U(0, 1)                          (`"none"`/uniform)
///     u = sigmoid(n),  n ~ N(mean, std²)   (`"logit_normal"`)
///     index = ⌊u·T⌋,   σ = (T − index)/T   (T = num_train_timesteps = 1000)
///
/// σ is the scheduler's unshifted training sigma at that index (Qwen-Image's config enables
/// dynamic shifting, so the training sigmas are t/1000 for t = 1000 … 1): σ ∈ {1/T, …, 1}, and the
/// transformer is given σ itself as its timestep, as at sampling.
public enum TimestepSampling: Codable, Sendable, Equatable {
    case uniform
    case logitNormal(mean: Double, standardDeviation: Double)

    /// u ∈ [0, 1) for one example.
    func unitValue(_ random: inout RandomGenerator) -> Double {
        switch self {
        case .uniform: return random.nextUnitDouble()
        case .logitNormal(let mean, let standardDeviation):
            let u = 1 / (1 + Foundation.exp(-(mean + standardDeviation * random.nextNormal())))
            return Swift.min(u, 1 - 0x1p-53)
        }
    }

    /// σ for one example on a grid of `trainTimesteps` levels.
    package func sigma(_ random: inout RandomGenerator, trainTimesteps: Int) -> Float {
        let index = Swift.min(Int(unitValue(&random) * Double(trainTimesteps)), trainTimesteps - 1)
        return Float(trainTimesteps - index) / Float(trainTimesteps)
    }
}
