import Foundation
import Generators
import ModelInterfaces
import Tensors
import Testing
import TestSupport

/// Drawing one image per noise seed in one batch, and the pipeline folder's own LoRA file.
@Suite("Qwen-Image seeded batches")
struct QwenImageBatchTests {
    static func prompt(_ generator: QwenImageGenerator, seed: UInt64) -> PromptEmbeddings {
        var random = RandomGenerator(seed: seed)
        return PromptEmbeddings(embeddings: random.normal([1, 5, generator.conditioningWidth]))
    }

    @Test("image i of a batch equals a one-image run with seed i's noise, guided or not")
    func batchEqualsSingleRuns() throws {
        let generator = try QwenImageGenerator(directory: GeneratorFixtures.url("pipeline"))
        let settings = GenerationSettings(width: 16, height: 16, steps: 2, seed: 99, guidanceScale: 3)
        let prompt = Self.prompt(generator, seed: 1), negative = Self.prompt(generator, seed: 2)
        for negativePrompt in [nil, negative] {
            let batch = try generator.images(prompt: prompt, negativePrompt: negativePrompt, noiseSeeds: [7, 11], settings: settings)
            #expect(batch.shape == [2, 3, 16, 16])
            for (index, seed) in [UInt64(7), 11].enumerated() {
                var single = settings
                single.seed = seed
                let sampling = try generator.startSampling(prompt: prompt, negativePrompt: negativePrompt, settings: single)
                while try sampling.next() != nil {}
                let expected = try generator.decode(sampling.latents, settings: single)
                #expect(relativeError(batch.slice(axis: 0, index..<(index + 1)), expected) < 1e-5)
            }
        }
        #expect(throws: GeneratorError.self) {
            try generator.images(prompt: prompt, negativePrompt: nil, noiseSeeds: [], settings: settings)
        }
    }

    @Test("a LoRA file at the folder's root is overlaid when the folder is loaded")
    func folderLoRA() throws {
        let folder = try TemporaryDirectory(label: "mokus-generators")
        let directory = folder.url
        let source = GeneratorFixtures.url("pipeline")
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path(percentEncoded: false)) {
            try FileManager.default.copyItem(at: source.appending(path: name), to: directory.appending(path: name))
        }
        #expect(try QwenImageGenerator(directory: directory).transformer.lora == nil)
        let base = try QwenImageGenerator(directory: directory)
        var lora = try base.transformer.makeLoRA(seed: 5)
        lora.setParameters(lora.parameters.map { $0 + 0.01 })
        try lora.write(to: directory.appending(path: QwenImagePipelineFolder.loraWeights))
        let loaded = try #require(try QwenImageGenerator(directory: directory).transformer.lora)
        #expect(loaded.moduleNames == lora.moduleNames)
    }
}
