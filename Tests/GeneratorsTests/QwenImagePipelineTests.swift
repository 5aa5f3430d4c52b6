import Foundation
import Generators
import ModelInterfaces
import Tensors
import Testing

/// End-to-end sampling against diffusers' `QwenImagePipeline` (Fixtures/pipeline, 2 steps, true CFG 4,
/// 32×32, fixed initial noise).
@Suite("Qwen-Image sampling")
struct QwenImagePipelineTests {
    static func generator() throws -> QwenImageGenerator {
        try QwenImageGenerator(directory: GeneratorFixtures.url("pipeline"))
    }

    static func settings(_ reference: [String: Tensor]) throws -> GenerationSettings {
        let json = try GeneratorFixtures.json("pipeline_reference.json")
        return GenerationSettings(
            width: json["width"] as! Int, height: json["height"] as! Int, steps: json["num_inference_steps"] as! Int,
            guidanceScale: Float(json["true_cfg_scale"] as! Double), initialLatents: reference["initial_latents"])
    }

    /// Each step's latents and the decoded image, from diffusers' prompt embeddings.
    @Test func matchesDiffusersFromEmbeddings() throws {
        let reference = try GeneratorFixtures.tensors("pipeline_reference.safetensors")
        let generator = try Self.generator()
        let settings = try Self.settings(reference)
        let prompt = PromptEmbeddings(embeddings: reference["prompt_embeds"]!, mask: reference["prompt_embeds_mask"]!)
        let negative = PromptEmbeddings(
            embeddings: reference["negative_prompt_embeds"]!, mask: reference["negative_prompt_embeds_mask"]!)
        let sampling = try generator.startSampling(prompt: prompt, negativePrompt: negative, settings: settings)
        #expect(sampling.stepCount == 2)
        var steps: [DenoisingStep] = []
        while let step = try sampling.next() {
            steps.append(step)
            let expected = reference["latents_step\(step.index)"]!
            #expect(relativeError(sampling.latents, expected) < 1e-4, "step \(step.index)")
        }
        #expect(steps.map(\.index) == [0, 1] && steps.last?.nextSigma == 0)
        #expect(try sampling.next() == nil)
        let image = try generator.decode(sampling.latents, settings: settings)
        #expect(relativeError(image, reference["image"]!) < 1e-4)
    }

    /// The whole chain from text: the tiny Qwen2.5-VL encodes both prompts through the template.
    @Test func matchesDiffusersFromText() throws {
        let reference = try GeneratorFixtures.tensors("pipeline_reference.safetensors")
        let json = try GeneratorFixtures.json("pipeline_reference.json")
        let encoder = PromptEncoder(encoder: try PromptEncoderTests.encoder())
        let generator = try Self.generator()
        let settings = try Self.settings(reference)
        let sampling = try generator.startSampling(
            prompt: try encoder.encode([json["prompt"] as! String]),
            negativePrompt: try encoder.encode([json["negative_prompt"] as! String]), settings: settings)
        while try sampling.next() != nil {}
        let image = try generator.decode(sampling.latents, settings: settings)
        #expect(relativeError(image, reference["image"]!) < 1e-4)
    }

    /// Without a negative prompt (or with scale ≤ 1) each step is a single unguided pass; the seed
    /// decides the noise.
    @Test func seedsAndGuidanceChoices() throws {
        let reference = try GeneratorFixtures.tensors("pipeline_reference.safetensors")
        let generator = try Self.generator()
        let prompt = PromptEmbeddings(embeddings: reference["prompt_embeds"]!)
        let negative = PromptEmbeddings(embeddings: reference["negative_prompt_embeds"]!)
        func final(_ settings: GenerationSettings, negative: PromptEmbeddings?) throws -> [Float] {
            let sampling = try generator.startSampling(prompt: prompt, negativePrompt: negative, settings: settings)
            while try sampling.next() != nil {}
            return sampling.latents.scalars
        }
        let seeded = GenerationSettings(width: 32, height: 32, steps: 2, seed: 3)
        #expect(try final(seeded, negative: nil) == final(seeded, negative: nil))
        var otherSeed = seeded
        otherSeed.seed = 4
        #expect(try final(seeded, negative: nil) != final(otherSeed, negative: nil))
        var unguided = seeded
        unguided.guidanceScale = 1
        #expect(try final(unguided, negative: negative) == final(seeded, negative: nil))
        #expect(try final(seeded, negative: negative) != final(seeded, negative: nil))
    }

    @Test func rejectsSizesLatentsAndEmbeddingsThatDoNotFit() throws {
        let generator = try Self.generator()
        let prompt = PromptEmbeddings(embeddings: .zeros([1, 5, 64]))
        func attempt(_ settings: GenerationSettings, _ prompt: PromptEmbeddings, negative: PromptEmbeddings? = nil) throws {
            _ = try generator.startSampling(prompt: prompt, negativePrompt: negative, settings: settings)
        }
        #expect(throws: GeneratorError.invalidInput(
            name: "size", expected: "width and height positive multiples of 8", found: "36×32")) {
            try attempt(GenerationSettings(width: 36, height: 32, steps: 2), prompt)
        }
        #expect(throws: GeneratorError.invalidInput(name: "initial latents", expected: "[1, 16, 16]", found: "[1, 16, 8]")) {
            try attempt(GenerationSettings(width: 32, height: 32, steps: 2, initialLatents: .zeros([1, 16, 8])), prompt)
        }
        #expect(throws: GeneratorError.invalidInput(name: "prompt embeddings", expected: "[B, L, 64]", found: "[1, 5, 16]")) {
            try attempt(GenerationSettings(width: 32, height: 32, steps: 2), PromptEmbeddings(embeddings: .zeros([1, 5, 16])))
        }
        #expect(throws: GeneratorError.invalidInput(
            name: "negative prompt embeddings", expected: "[1, L, 64]", found: "[2, 5, 64]")) {
            try attempt(GenerationSettings(width: 32, height: 32, steps: 2), prompt,
                        negative: PromptEmbeddings(embeddings: .zeros([2, 5, 64])))
        }
        #expect(throws: GeneratorError.invalidInput(name: "prompt embeddings mask", expected: "[1, 5]", found: "[1, 4]")) {
            try attempt(GenerationSettings(width: 32, height: 32, steps: 2),
                        PromptEmbeddings(embeddings: .zeros([1, 5, 64]), mask: .ones([1, 4])))
        }
    }
}
