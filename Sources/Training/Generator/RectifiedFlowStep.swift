import Foundation
import Generators
import Tensors

/// What every rectified-flow objective of the Qwen-Image transformer shares: one step's random
/// draws and the squared velocity error (diffusers `train_dreambooth_lora_qwen_image.py`,
/// weighting "none"):
///
///     x_σ = (1 − σ)·x₀ + σ·ε,   v = ε − x₀,   squared error (v̂(x_σ, σ, promptᵢ) − v)²
///
/// for clean packed latents x₀ `[B, tokens, channels]`. ``RectifiedFlowObjective`` (all weights)
/// and ``DreamBoothLoRAObjective`` (LoRA factors) differ only in what the parameters are; the
/// Personalization target's TokenVerse objective trains per-token modulation offsets through it.
package enum RectifiedFlowStep {
    /// One step's draws, from a generator seeded by (seed, step): per example the prompt-dropout
    /// decision and σ, in batch order, then the noise of the whole batch `[count, tokens, channels]`.
    package static func draws(options: RectifiedFlowOptions, count: Int, tokens: Int, channels: Int, step: Int)
        -> (dropped: [Bool], sigmas: [Float], noise: Tensor)
    {
        var random = RandomGenerator(seed: options.seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(step + 1))
        var dropped: [Bool] = []
        var sigmas: [Float] = []
        for _ in 0..<count {
            dropped.append(random.nextUnitFloat() < options.promptDropout)
            sigmas.append(options.timestepSampling.sigma(&random, trainTimesteps: options.trainTimesteps))
        }
        return (dropped, sigmas, random.normal([count, tokens, channels]))
    }

    /// The squared velocity errors `[B, tokens, channels]` (differentiable w.r.t. whatever the model's
    /// weights or LoRA are tracked on); objectives average them. `prompts` are the per-example states
    /// `[Lᵢ, width]`, right-padded and masked; `modulation` (per-token Δ over the padded prompts) is
    /// passed to the transformer.
    package static func squaredErrors(
        model: QwenImageTransformer, clean: Tensor, imageShape: PackedImageShape, prompts: [Tensor], sigmas: [Float],
        noise: Tensor, modulation: TextModulation? = nil
    ) throws -> Tensor {
        let batch = clean.shape[0]
        let sigma = Tensor(shape: [batch, 1, 1], scalars: sigmas)
        let noisy = clean * (1 - sigma) + noise * sigma
        let text = PromptEncoder.batch(prompts)
        let velocity = try model.velocity(
            latents: noisy, imageShapes: [imageShape], text: text.embeddings, textMask: text.mask,
            timestep: Tensor(shape: [batch], scalars: sigmas), modulation: modulation)
        return (velocity - (noise - clean)).squared()
    }
}
