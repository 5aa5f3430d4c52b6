import Foundation
import Generators
import ModelInterfaces
import Tensors
import Testing
import TextEncoders

@Suite("Prompt encoding")
struct PromptEncoderTests {
    static func encoder() throws -> any TextEncoder {
        let settings = try GeneratorFixtures.json("pipeline_reference.json")
        return try TextEncoderLoader.load(
            directory: GeneratorFixtures.repository.appending(path: settings["encoder"] as! String))
    }

    /// The Qwen-Image template, the 34-token drop and the final-norm states match diffusers'
    /// `encode_prompt` on the tiny Qwen2.5-VL fixture.
    @Test func matchesDiffusersEncodePrompt() throws {
        let settings = try GeneratorFixtures.json("pipeline_reference.json")
        let reference = try GeneratorFixtures.tensors("pipeline_reference.safetensors")
        #expect(settings["prompt_template"] as? String == PromptTemplate.qwenImage.text)
        let textEncoder = try Self.encoder()
        let dropped = try PromptTemplate.qwenImage.droppedTokenCount(tokenize: textEncoder.tokenize)
        #expect(settings["prompt_template_encode_start_idx"] as? Int == dropped)
        let encoder = PromptEncoder(encoder: textEncoder)
        for (prompt, name) in [(settings["prompt"] as! String, "prompt_embeds"),
                               (settings["negative_prompt"] as! String, "negative_prompt_embeds")] {
            let encoded = try encoder.encode([prompt])
            #expect(encoded.embeddings.shape == reference[name]!.shape)
            #expect(relativeError(encoded.embeddings, reference[name]!) < 1e-5, "\(name)")
            #expect(encoded.mask.scalars == reference[name + "_mask"]!.scalars)
        }
    }

    /// Prompts of different lengths are padded with zeros and masked; each keeps its own states.
    @Test func padsBatchesAndMasksPadding() throws {
        let encoder = PromptEncoder(encoder: try Self.encoder())
        let (short, long) = ("a cat", "a cat sitting on a red chair in a sunny room")
        let batch = try encoder.encode([short, long])
        let alone = try encoder.encode([short])
        let kept = alone.embeddings.shape[1]
        #expect(batch.embeddings.shape[1] > kept)
        let first = batch.embeddings.slice(axis: 0, 0..<1)
        #expect(first.slice(axis: 1, 0..<kept).scalars == alone.embeddings.scalars)
        #expect(first.slice(axis: 1, kept..<batch.embeddings.shape[1]).scalars.allSatisfy { $0 == 0 })
        #expect(batch.mask.slice(axis: 0, 0..<1).scalars
            == [Float](repeating: 1, count: kept) + [Float](repeating: 0, count: batch.embeddings.shape[1] - kept))
    }

    @Test func rejectsPromptsLongerThanTheMaximum() throws {
        var template = PromptTemplate.qwenImage
        template.maximumLength = 8
        let encoder = PromptEncoder(encoder: try Self.encoder(), template: template)
        #expect { try encoder.encode(["a very long prompt that has many more than eight tokens after the template"]) }
            throws: { error in
                guard case let GeneratorError.promptTooLong(tokens, maximum) = error else { return false }
                return tokens > 8 && maximum == 8
            }
    }
}
