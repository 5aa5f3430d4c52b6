import Tensors

/// Maps images to the latent space a generator denoises in, and back.
///
/// Images are NCHW `[B, imageChannels, H, W]` with values in [−1, 1] (diffusers' convention: a
/// pixel value p ∈ [0, 255] is p/127.5 − 1). Latents are `[B, latentChannels, H/f, W/f]` with
/// f = ``spatialFactor``, in the *generator's* space: already normalised where the codec has a
/// normalisation (the Qwen-Image VAE's (z − mean)/std), so a sampler starts from unit noise and
/// hands its result straight to ``decode(_:)``.
///
/// Conformers: ``QwenImageVAE`` (learned, lossy) and ``PixelPatchCodec`` (identity up to a
/// rearrangement, for tiny generators that work on pixels).
public protocol ImageCodec: Sendable {
    /// Channels of the images read and written (3 for RGB).
    var imageChannels: Int { get }
    /// Channels of the latents.
    var latentChannels: Int { get }
    /// Image side / latent side; image sides must be multiples of it.
    var spatialFactor: Int { get }

    /// Latents of `image` (deterministic: a VAE returns its posterior's mean).
    ///
    /// - Throws: ``GeneratorError/invalidInput(name:expected:found:)`` unless `image` is
    ///   `[B, imageChannels, H, W]` with H and W positive multiples of ``spatialFactor``.
    func encode(_ image: Tensor) throws -> Tensor

    /// The image of `latents`, nominally in [−1, 1]: the VAE clamps to it (as diffusers does),
    /// the pixel codec returns the exact inverse of ``encode(_:)``.
    ///
    /// - Throws: ``GeneratorError/invalidInput(name:expected:found:)`` unless `latents` is
    ///   `[B, latentChannels, h, w]` with h, w ≥ 1.
    func decode(_ latents: Tensor) throws -> Tensor
}

extension ImageCodec {
    /// Throws unless `image` is `[B, imageChannels, H, W]` with B ≥ 1 and H, W positive multiples
    /// of ``spatialFactor``.
    ///
    /// - Throws: ``GeneratorError/invalidInput(name:expected:found:)`` naming the shape.
    public func validateImage(_ image: Tensor) throws {
        let f = spatialFactor
        let expected = "[B, \(imageChannels), H, W] with H and W positive multiples of \(f)"
        guard image.rank == 4, image.shape[0] >= 1, image.shape[1] == imageChannels,
              image.shape[2] > 0, image.shape[3] > 0, image.shape[2] % f == 0, image.shape[3] % f == 0
        else { throw GeneratorError.invalidInput(name: "image", expected: expected, found: "shape \(image.shape)") }
    }

    /// Throws unless `latents` is `[B, latentChannels, h, w]` with B, h, w ≥ 1.
    ///
    /// - Throws: ``GeneratorError/invalidInput(name:expected:found:)`` naming the shape.
    public func validateLatents(_ latents: Tensor) throws {
        guard latents.rank == 4, latents.shape[0] >= 1, latents.shape[1] == latentChannels,
              latents.shape[2] > 0, latents.shape[3] > 0
        else {
            throw GeneratorError.invalidInput(
                name: "latents", expected: "[B, \(latentChannels), h, w] with B, h, w ≥ 1",
                found: "shape \(latents.shape)")
        }
    }
}
