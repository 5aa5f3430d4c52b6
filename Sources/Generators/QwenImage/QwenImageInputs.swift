import Tensors

/// Checks of the transformer's inputs against the configuration and each other, before any
/// compute; every failure is a ``GeneratorError/invalidInput(name:expected:found:)``.
enum QwenImageInputs {
    /// Validates the inputs and returns the image shape of every sample (`B` entries).
    static func validate(
        configuration c: QwenImageTransformerConfiguration, latents: Tensor, imageShapes: [PackedImageShape],
        text: Tensor, textMask: Tensor?, timestep: Tensor, modulation: TextModulation?
    ) throws -> [PackedImageShape] {
        func invalid(_ name: String, _ expected: String, _ found: String) -> GeneratorError {
            .invalidInput(name: name, expected: expected, found: found)
        }
        guard latents.rank == 3, latents.shape[0] > 0, latents.shape[1] > 0, latents.shape[2] == c.inChannels else {
            throw invalid("latents", "[B, N, \(c.inChannels)] with B, N ≥ 1", "\(latents.shape)")
        }
        let (batch, imageLength) = (latents.shape[0], latents.shape[1])
        guard imageShapes.count == 1 || imageShapes.count == batch else {
            throw invalid("imageShapes", "1 or \(batch) shapes", "\(imageShapes.count)")
        }
        for shape in imageShapes
        where shape.frames < 1 || shape.height < 1 || shape.width < 1 || shape.tokenCount != imageLength {
            throw invalid(
                "imageShapes", "positive (frames, height, width) holding the latents' \(imageLength) tokens", "\(shape)"
            )
        }
        guard text.rank == 3, text.shape[0] == batch, text.shape[1] > 0, text.shape[2] == c.jointAttentionDim else {
            throw invalid("text", "[\(batch), L, \(c.jointAttentionDim)] with L ≥ 1", "\(text.shape)")
        }
        let textLength = text.shape[1]
        if let textMask, textMask.shape != [batch, textLength] {
            throw invalid("textMask", "[\(batch), \(textLength)]", "\(textMask.shape)")
        }
        guard timestep.shape == [batch] else { throw invalid("timestep", "[\(batch)]", "\(timestep.shape)") }
        if let modulation {
            guard modulation.delta.shape == [batch, textLength, c.innerDim] else {
                throw invalid(
                    "modulation delta", "[\(batch), \(textLength), \(c.innerDim)]", "\(modulation.delta.shape)")
            }
            guard modulation.mask.shape == [batch, textLength] else {
                throw invalid("modulation mask", "[\(batch), \(textLength)]", "\(modulation.mask.shape)")
            }
            if let blocks = modulation.blockDeltas {
                let shape = [batch, textLength, c.innerDim]
                guard blocks.count == c.layerCount, blocks.allSatisfy({ $0.shape == shape }) else {
                    throw invalid(
                        "modulation block deltas", "\(c.layerCount) × \(shape)",
                        "\(blocks.count) × \(blocks.first?.shape ?? [])")
                }
            }
        }
        return imageShapes.count == batch ? imageShapes : Array(repeating: imageShapes[0], count: batch)
    }

    /// The joint key mask `[B, L + N]`: the text mask (nonzero = real), then ones for the image
    /// tokens; nil when every text token is real.
    static func keyPadding(textMask: Tensor, imageLength: Int) -> Tensor? {
        let flags = textMask.scalars
        guard flags.contains(0) else { return nil }
        let (batch, textLength) = (textMask.shape[0], textMask.shape[1])
        return Tensor(shape: [batch, textLength + imageLength]) { buffer in
            for b in 0..<batch {
                for t in 0..<textLength {
                    buffer[b * (textLength + imageLength) + t] = flags[b * textLength + t] != 0 ? 1 : 0
                }
                for i in 0..<imageLength { buffer[b * (textLength + imageLength) + textLength + i] = 1 }
            }
        }
    }
}
