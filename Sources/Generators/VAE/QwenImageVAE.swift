import Foundation
import Tensors

/// The Qwen-Image VAE (diffusers `AutoencoderKLQwenImage`,
/// `src/diffusers/models/autoencoders/autoencoder_kl_qwenimage.py`) for single images.
///
/// diffusers' model is a causal 3-D (video) VAE; Qwen-Image always runs it on one frame (T = 1).
/// On one frame with empty caches every causal Conv3d sees only zero frames before the image, so
/// it is the Conv2d of its kernel's last temporal tap, and the temporal convolutions of the
/// "3d" resamplers are skipped on the first (here: only) chunk of frames. This type
/// is that exact 2-D reduction: kernels are converted once at load to Float32 `[O, I, kh, kw]`,
/// and images are NCHW without a time axis.
///
/// Spaces: *raw* latents are what the encoder produces and the decoder consumes; the generator
/// works on *normalised* latents (z − mean)/std with the config's `latents_mean`/`latents_std`
/// (the Qwen-Image pipeline and training script normalise; see ``normalize(_:)``). The
/// ``ImageCodec`` methods speak normalised latents; ``latentDistribution(of:)`` and
/// ``decode(raw:)`` speak raw ones, as diffusers' `encode` and `decode` do.
///
/// ```swift
/// let vae = try QwenImageVAE(directory: snapshot.appending(path: "vae"))
/// let latents = try vae.encode(image)            // [1, 16, H/8, W/8], normalised
/// let picture = try vae.decode(latents)          // [1, 3, H, W] in [−1, 1]
/// ```
///
/// All operations are tape ops (differentiable); without a tape nothing is recorded.
public struct QwenImageVAE: ImageCodec {
    public let configuration: QwenImageVAEConfiguration
    private let encoder: QwenImageVAEEncoder
    private let decoder: QwenImageVAEDecoder
    /// 1×1 causal convolutions after the encoder (2·z_dim → 2·z_dim) and before the decoder (z_dim → z_dim).
    private let quantConv: QwenImageVAEConvolution, postQuantConv: QwenImageVAEConvolution
    private let weights: QwenImageVAEWeights
    /// latents_mean and latents_std as `[1, z_dim, 1, 1]`.
    private let latentsMean: Tensor, latentsStd: Tensor

    /// Loads a diffusers `vae/` folder: `config.json` and `diffusion_pytorch_model.safetensors`
    /// (or its sharded form), any of F32/BF16/F16.
    ///
    /// - Throws: ``ModelIOError`` for an unreadable or malformed config (unknown keys are named) or
    ///   checkpoint; ``GeneratorError/invalidConfiguration(file:key:reason:)``;
    ///   ``ModelIOError/missingTensor(directory:name:)``, ``ModelIOError/unexpectedTensor(directory:name:)``
    ///   and ``ModelIOError/tensorShapeMismatch(name:expected:found:)`` when the checkpoint does
    ///   not hold exactly the architecture's tensors.
    public init(directory: URL) throws {
        let configuration = try QwenImageVAEConfiguration(contentsOf: directory.appending(path: "config.json"))
        let architecture = Self.architecture(configuration)
        let parameters = architecture.parameters
        let checkpoint = try ComponentWeights(directory: directory, declared: parameters.map { ($0.name, $0.shape) })
        weights = QwenImageVAEWeights(parameters: parameters) { checkpoint.tensor($0) }
        self.configuration = configuration
        (encoder, decoder) = (architecture.encoder, architecture.decoder)
        (quantConv, postQuantConv) = (architecture.quantConv, architecture.postQuantConv)
        let z = configuration.zDim
        latentsMean = Tensor(shape: [1, z, 1, 1], scalars: configuration.latentsMean)
        latentsStd = Tensor(shape: [1, z, 1, 1], scalars: configuration.latentsStd)
    }

    /// Every tensor a checkpoint of `configuration` holds, in diffusers' names and stored shapes
    /// (5-D causal Conv3d kernels included), in model order.
    public static func parameterShapes(for configuration: QwenImageVAEConfiguration) -> [(name: String, shape: [Int])] {
        architecture(configuration).parameters.map { ($0.name, $0.shape) }
    }

    private struct Architecture {
        let encoder: QwenImageVAEEncoder, decoder: QwenImageVAEDecoder
        let quantConv: QwenImageVAEConvolution, postQuantConv: QwenImageVAEConvolution

        var parameters: [QwenImageVAEParameter] {
            encoder.parameters + quantConv.parameters + postQuantConv.parameters + decoder.parameters
        }
    }

    private static func architecture(_ configuration: QwenImageVAEConfiguration) -> Architecture {
        let z = configuration.zDim
        return Architecture(
            encoder: QwenImageVAEEncoder(configuration), decoder: QwenImageVAEDecoder(configuration),
            quantConv: .causal("quant_conv", 2 * z, 2 * z, kernel: 1),
            postQuantConv: .causal("post_quant_conv", z, z, kernel: 1))
    }

    public var imageChannels: Int { configuration.inputChannels }
    public var latentChannels: Int { configuration.zDim }
    public var spatialFactor: Int { configuration.spatialFactor }

    // MARK: Raw latents (diffusers' encode / decode)

    /// The posterior over raw latents of `image` (diffusers `vae.encode(x).latent_dist` for x of
    /// shape `[B, C, 1, H, W]`): quant_conv(encoder(x)) split into mean and log-variance, the
    /// latter clamped to [−30, 20].
    ///
    /// - Parameter image: `[B, input_channels, H, W]` in [−1, 1], H and W multiples of ``spatialFactor``.
    /// - Throws: ``GeneratorError/invalidInput(name:expected:found:)`` for another shape.
    public func latentDistribution(of image: Tensor) throws -> QwenImageLatentDistribution {
        try validateImage(image)
        let moments = quantConv(encoder(image, weights), weights)
        let halves = moments.split([latentChannels, latentChannels], axis: 1)
        return QwenImageLatentDistribution(mean: halves[0], logVariance: halves[1].clamped(low: -30, high: 20))
    }

    /// The image of raw latents (diffusers `vae.decode(z).sample[:, :, 0]` for z of shape
    /// `[B, z_dim, 1, h, w]`): decoder(post_quant_conv(z)), clamped to [−1, 1].
    ///
    /// - Parameter latents: `[B, z_dim, h, w]`.
    /// - Returns: `[B, input_channels, h·f, w·f]`.
    /// - Throws: ``GeneratorError/invalidInput(name:expected:found:)`` for another shape.
    public func decode(raw latents: Tensor) throws -> Tensor {
        try validateLatents(latents)
        return decoder(postQuantConv(latents, weights), weights).clamped(low: -1, high: 1)
    }

    // MARK: Normalisation

    /// (z − latents_mean)/latents_std per channel: raw latents → the generator's space.
    ///
    /// - Throws: ``GeneratorError/invalidInput(name:expected:found:)`` unless `latents` is `[B, z_dim, h, w]`.
    public func normalize(_ latents: Tensor) throws -> Tensor {
        try validateLatents(latents)
        return (latents - latentsMean) / latentsStd
    }

    /// z·latents_std + latents_mean per channel: the generator's space → raw latents.
    ///
    /// - Throws: ``GeneratorError/invalidInput(name:expected:found:)`` unless `latents` is `[B, z_dim, h, w]`.
    public func denormalize(_ latents: Tensor) throws -> Tensor {
        try validateLatents(latents)
        return latents * latentsStd + latentsMean
    }

    // MARK: ImageCodec (normalised latents)

    /// The normalised posterior mean of `image`: normalize(latentDistribution(of: image).mean).
    public func encode(_ image: Tensor) throws -> Tensor {
        try normalize(latentDistribution(of: image).mean)
    }

    /// decode(raw: denormalize(latents)): an image in [−1, 1].
    public func decode(_ latents: Tensor) throws -> Tensor {
        try decode(raw: denormalize(latents))
    }
}
