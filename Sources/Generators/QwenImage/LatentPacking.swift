import Tensors

/// Packing of VAE latents into transformer tokens and back (diffusers `QwenImagePipeline._pack_latents`
/// and `_unpack_latents`, `src/diffusers/pipelines/qwenimage/pipeline_qwenimage.py`).
///
/// A latent `[B, C, H, W]` is cut into p×p patches; patch (r, c) becomes token r·(W/p) + c, whose
/// channel c·p² + p·dy + dx holds latent (c, p·r + dy, p·c + dx). With p = 2 that is diffusers'
/// order c·4 + 2·dy + dx. Both directions are a reshape and one permutation, so they are
/// differentiable and exact inverses of each other.
public enum LatentPacking {
    /// `[B, C, H, W]` → `[B, (H/p)·(W/p), C·p²]`.
    ///
    /// - Throws: ``GeneratorError/invalidInput(name:expected:found:)`` unless `latents` has rank 4
    ///   and H and W are multiples of `patchSize`.
    public static func pack(_ latents: Tensor, patchSize p: Int = 2) throws -> Tensor {
        let shape = latents.shape
        guard p > 0, shape.count == 4, shape[2] % p == 0, shape[3] % p == 0 else {
            throw GeneratorError.invalidInput(
                name: "latents", expected: "[B, C, H, W] with H and W multiples of \(p)", found: "\(shape)")
        }
        let (b, c, h, w) = (shape[0], shape[1], shape[2] / p, shape[3] / p)
        return latents.reshaped([b, c, h, p, w, p]).permuted([0, 2, 4, 1, 3, 5]).reshaped([b, h * w, c * p * p])
    }

    /// `[B, (H/p)·(W/p), C·p²]` → `[B, C, H, W]`, the inverse of ``pack(_:patchSize:)``.
    ///
    /// - Parameters:
    ///   - height: H, the latent height (a multiple of `patchSize`).
    ///   - width: W, the latent width (a multiple of `patchSize`).
    /// - Throws: ``GeneratorError/invalidInput(name:expected:found:)`` when the token count or
    ///   width does not fit H, W and `patchSize`.
    public static func unpack(_ tokens: Tensor, height: Int, width: Int, patchSize p: Int = 2) throws -> Tensor {
        let shape = tokens.shape
        guard p > 0, height > 0, width > 0, height % p == 0, width % p == 0 else {
            throw GeneratorError.invalidInput(
                name: "latent size", expected: "positive multiples of \(p)", found: "\(height)×\(width)")
        }
        let (h, w) = (height / p, width / p)
        guard shape.count == 3, shape[1] == h * w, shape[2] % (p * p) == 0 else {
            throw GeneratorError.invalidInput(
                name: "tokens", expected: "[B, \(h * w), C·\(p * p)] for a \(height)×\(width) latent", found: "\(shape)"
            )
        }
        let (b, c) = (shape[0], shape[2] / (p * p))
        return tokens.reshaped([b, h, w, c, p, p]).permuted([0, 3, 1, 4, 2, 5]).reshaped([b, c, height, width])
    }
}
