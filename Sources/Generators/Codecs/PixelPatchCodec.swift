import Tensors

/// The identity codec of pixel-space generators: it only folds each p×p patch of pixels into
/// channels, with no weights and no normalisation.
///
/// encode: `[B, C, H, W]` → `[B, C·p², H/p, W/p]`, latent channel c·p² + i·p + j holding pixel
/// (y·p + i, x·p + j) of image channel c: PyTorch's `F.pixel_unshuffle(image, p)`. decode is its
/// exact inverse (`F.pixel_shuffle`), so values pass through unchanged and unclamped. With p = 1
/// the latents are the image itself. Both directions are reshapes and one permutation, and are
/// differentiable on a ``Tape``.
public struct PixelPatchCodec: ImageCodec {
    public let imageChannels: Int
    /// Side p of the square patch folded into one latent position.
    public let patchSize: Int

    /// - Throws: ``GeneratorError/invalidInput(name:expected:found:)`` for a non-positive channel
    ///   count or patch size.
    public init(imageChannels: Int = 3, patchSize: Int) throws {
        guard imageChannels > 0 else {
            throw GeneratorError.invalidInput(
                name: "imageChannels", expected: "a positive count", found: "\(imageChannels)")
        }
        guard patchSize > 0 else {
            throw GeneratorError.invalidInput(name: "patchSize", expected: "a positive side", found: "\(patchSize)")
        }
        self.imageChannels = imageChannels
        self.patchSize = patchSize
    }

    public var latentChannels: Int { imageChannels * patchSize * patchSize }
    public var spatialFactor: Int { patchSize }

    public func encode(_ image: Tensor) throws -> Tensor {
        try validateImage(image)
        let p = patchSize
        let (b, c, h, w) = (image.shape[0], imageChannels, image.shape[2] / p, image.shape[3] / p)
        // [B, C, h, p, w, p] → [B, C, p, p, h, w].
        return image.reshaped([b, c, h, p, w, p]).permuted([0, 1, 3, 5, 2, 4]).reshaped([b, c * p * p, h, w])
    }

    public func decode(_ latents: Tensor) throws -> Tensor {
        try validateLatents(latents)
        let p = patchSize
        let (b, c, h, w) = (latents.shape[0], imageChannels, latents.shape[2], latents.shape[3])
        // [B, C, p, p, h, w] → [B, C, h, p, w, p].
        return latents.reshaped([b, c, p, p, h, w]).permuted([0, 1, 4, 2, 5, 3]).reshaped([b, c, h * p, w * p])
    }
}
