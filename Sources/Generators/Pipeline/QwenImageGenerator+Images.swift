import Foundation
import ModelInterfaces
import Tensors

extension QwenImageGenerator {
    /// Samples and decodes one image per noise seed in a single batch: image i starts from the noise
    /// `RandomGenerator(seed: noiseSeeds[i]).normal([1, C, h, w])` (packed), exactly the noise of a
    /// one-image run with `settings.seed = noiseSeeds[i]` (`mokus generate --seed`), so an image does
    /// not depend on the batch it is drawn in.
    ///
    /// - Parameters:
    ///   - prompt: embeddings of batch 1 (repeated for every seed) or of batch `noiseSeeds.count`.
    ///   - negativePrompt: the unconditional embeddings of the same batch, or nil (no guidance).
    ///   - settings: size, steps and guidance; its `seed` and `initialLatents` are ignored.
    /// - Returns: `[noiseSeeds.count, 3, height, width]` in [0, 1].
    /// - Throws: ``GeneratorError/invalidInput(name:expected:found:)`` for no seeds, a prompt batch
    ///   that is neither 1 nor the seed count, and everything ``startSampling(prompt:negativePrompt:settings:)`` throws.
    public func images(
        prompt: PromptEmbeddings, negativePrompt: PromptEmbeddings?, noiseSeeds: [UInt64], settings: GenerationSettings
    ) throws -> Tensor {
        guard !noiseSeeds.isEmpty else {
            throw GeneratorError.invalidInput(name: "noise seeds", expected: "at least one", found: "none")
        }
        let grid = try latentSize(width: settings.width, height: settings.height)
        var settings = settings
        settings.initialLatents = try LatentPacking.pack(Tensor.concat(noiseSeeds.map { seed in
            var random = RandomGenerator(seed: seed)
            return random.normal([1, latentChannels, grid.height, grid.width])
        }, axis: 0))
        func batched(_ embeddings: PromptEmbeddings) throws -> PromptEmbeddings {
            let batch = embeddings.embeddings.shape.first ?? 0
            if batch == noiseSeeds.count { return embeddings }
            guard batch == 1 else {
                throw GeneratorError.invalidInput(
                    name: "prompt embeddings", expected: "a batch of 1 or \(noiseSeeds.count) (one per seed)", found: "\(batch)")
            }
            return PromptEmbeddings(
                embeddings: Tensor.concat(Array(repeating: embeddings.embeddings, count: noiseSeeds.count), axis: 0),
                mask: Tensor.concat(Array(repeating: embeddings.mask, count: noiseSeeds.count), axis: 0))
        }
        let sampling = try startSampling(
            prompt: try batched(prompt), negativePrompt: try negativePrompt.map(batched), settings: settings)
        while try sampling.next() != nil {}
        return try decode(sampling.latents, settings: settings)
    }
}
