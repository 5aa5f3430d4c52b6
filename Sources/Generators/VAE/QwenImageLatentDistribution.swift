import Tensors

/// The VAE posterior of an image: a diagonal Gaussian over the raw (unnormalised) latents
/// (diffusers `DiagonalGaussianDistribution` in `src/diffusers/models/autoencoders/vae.py`).
public struct QwenImageLatentDistribution: Sendable {
    /// μ, `[B, z_dim, h, w]`; also the mode.
    public let mean: Tensor
    /// log σ², clamped to [−30, 20] as diffusers does.
    public let logVariance: Tensor

    /// σ = exp(½·log σ²).
    public var standardDeviation: Tensor { (logVariance * 0.5).exp() }

    /// A draw μ + σ·ε with ε ~ N(0, 1) from `generator` (diffusers' `latent_dist.sample()`, as the
    /// DreamBooth LoRA script encodes its training images).
    public func sample(using generator: inout RandomGenerator) -> Tensor {
        mean + standardDeviation * generator.normal(mean.shape)
    }
}
