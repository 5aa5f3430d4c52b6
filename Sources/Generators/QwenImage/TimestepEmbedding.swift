import Foundation
import Tensors

/// Qwen-Image's timestep conditioning (diffusers `QwenTimestepProjEmbeddings` in
/// `src/diffusers/models/transformers/transformer_qwenimage.py`, built from `Timesteps` and
/// `TimestepEmbedding` of `src/diffusers/models/embeddings.py`):
///
///     φ(σ)_k       = cos(1000·σ·ω_k),  φ(σ)_{128+k} = sin(1000·σ·ω_k),  ω_k = 10000^(−k/128), k < 128
///     temb(σ)      = linear_2(SiLU(linear_1(φ(σ))))
///
/// (`flip_sin_to_cos`, `downscale_freq_shift` 0, `scale` 1000; the pipeline passes σ = t/1000.)
/// The sinusoids are computed in Float64 and rounded once, since 1000·σ·ω reaches 1000 radians.
enum TimestepEmbedding {
    /// Number of sinusoid channels.
    static let channels = 256
    /// Module names of the two linear layers.
    static let firstLinear = "time_text_embed.timestep_embedder.linear_1"
    static let secondLinear = "time_text_embed.timestep_embedder.linear_2"

    /// φ(σ) for each σ: `[B, 256]`, cosines first.
    static func sinusoids(_ sigmas: [Float]) -> Tensor {
        let half = channels / 2
        return Tensor(shape: [sigmas.count, channels]) { buffer in
            for (b, sigma) in sigmas.enumerated() {
                for k in 0..<half {
                    let angle = 1000 * Double(sigma) * Foundation.exp(-Foundation.log(10000) * Double(k) / Double(half))
                    buffer[b * channels + k] = Float(Foundation.cos(angle))
                    buffer[b * channels + half + k] = Float(Foundation.sin(angle))
                }
            }
        }
    }

    /// temb(σ): `[B, D]`, through `linear` (a weight lookup, with any LoRA adapter).
    static func embedding(_ sigmas: [Float], linear: LinearLayers) -> Tensor {
        linear(linear(sinusoids(sigmas), firstLinear).silu(), secondLinear)
    }
}
