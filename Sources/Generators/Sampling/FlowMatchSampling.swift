import ModelInterfaces
import Tensors

/// A flow-matching sample in progress: Euler steps x ← x + (σᵢ₊₁ − σᵢ)·v(x, σᵢ) over a fixed
/// schedule, one per ``next()`` (diffusers `FlowMatchEulerDiscreteScheduler.step`).
public final class FlowMatchSampling: DenoisingProcess {
    /// σ₀ … σ_N (the last is 0).
    public let sigmas: [Double]
    public private(set) var latents: Tensor
    /// The velocity at (latents, σ), guidance included.
    private let velocity: (Tensor, Double) throws -> Tensor
    private var completed = 0

    public init(initialLatents: Tensor, sigmas: [Double], velocity: @escaping (Tensor, Double) throws -> Tensor) {
        self.latents = initialLatents
        self.sigmas = sigmas
        self.velocity = velocity
    }

    public var stepCount: Int { sigmas.count - 1 }

    public func next() throws -> DenoisingStep? {
        guard completed < stepCount else { return nil }
        let (sigma, nextSigma) = (sigmas[completed], sigmas[completed + 1])
        let v = try velocity(latents, sigma)
        latents = latents + v * Float(nextSigma - sigma)
        completed += 1
        return DenoisingStep(index: completed - 1, count: stepCount, sigma: sigma, nextSigma: nextSigma)
    }
}

/// Qwen-Image's "true" classifier-free guidance with per-token norm rescaling
/// (`QwenImagePipeline.__call__`):
///
///     v̂ = v₋ + s·(v₊ − v₋),   v̂ ← v̂ · ‖v₊‖ / ‖v̂‖
///
/// where v₊ and v₋ are the velocities for the prompt and the negative prompt and the norms run over
/// the channels of each token (the last axis).
public func trueClassifierFreeGuidance(conditional: Tensor, unconditional: Tensor, scale: Float) -> Tensor {
    let combined = unconditional + (conditional - unconditional) * scale
    let conditionalNorm = conditional.squared().sum(axes: [conditional.rank - 1], keepDims: true).sqrt()
    let combinedNorm = combined.squared().sum(axes: [combined.rank - 1], keepDims: true).sqrt()
    return combined * (conditionalNorm / combinedNorm)
}
