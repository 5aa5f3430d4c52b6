import Foundation
import Tensors
import TestSupport
import Testing

@testable import Generators

/// Pixel-space pipeline folders: written, read back, and the codec chosen without a vae/.
@Suite("Qwen-Image pipeline folders")
struct QwenImagePipelineFolderTests {
    static func model(outChannels: Int) throws -> QwenImageTransformer {
        let c = QwenImageTransformerConfiguration(
            patchSize: 2, inChannels: 4 * outChannels, outChannels: outChannels, layerCount: 1, headDimension: 8,
            headCount: 2, jointAttentionDim: 6, rotaryAxes: [2, 2, 4])
        return try QwenImageTransformer(
            configuration: c, parameters: Dictionary(uniqueKeysWithValues: TinyQwenImage.weights(c, seed: 3)))
    }

    @Test("a written pixel pipeline loads with the pixel codec p = √(out/3) and the same scheduler")
    func roundTrip() throws {
        let directory = try TemporaryDirectory(label: "mokus-generators")
        var configuration = FlowMatchEulerScheduler.Configuration.qwenImage
        configuration.maxShift = 1.1
        for (outChannels, patch, negative) in [(3, 1, nil), (12, 2, "")] {
            let pipeline = directory.file("p\(patch)")
            let defaults = PipelineDefaults(size: 16, steps: 7, promptTemplate: .qwenImagePrefixDrop, negativePrompt: negative)
            try QwenImagePipelineFolder.writePixelPipeline(
                transformer: Self.model(outChannels: outChannels), scheduler: FlowMatchEulerScheduler(configuration),
                storedAs: .float32, textEncoderClass: "Qwen2ForCausalLM", defaults: defaults, into: pipeline)
            let generator = try QwenImageGenerator(directory: pipeline)
            #expect((generator.codec as? PixelPatchCodec)?.patchSize == patch)
            #expect(generator.scheduler.configuration == configuration)
            let index = try JSONSerialization.jsonObject(
                with: Data(contentsOf: pipeline.appending(path: QwenImagePipelineFolder.modelIndex))) as? [String: Any]
            #expect((index?["vae"] as? [Any])?.allSatisfy { $0 is NSNull } == true)
            #expect(try QwenImagePipelineFolder.defaults(of: pipeline) == defaults)
            #expect((index?[PipelineDefaults.negativePromptKey] as? String) == negative)
        }
    }

    @Test("sampling defaults: diffusers' unless model_index.json names the pipeline's own; bad values name the key")
    func defaults() throws {
        let directory = try TemporaryDirectory(label: "mokus-generators")
        #expect(try QwenImagePipelineFolder.defaults(of: directory.url) == PipelineDefaults())
        let index = directory.file(QwenImagePipelineFolder.modelIndex)
        try Data(#"{"_class_name": "QwenImagePipeline"}"#.utf8).write(to: index)
        let diffusers = try QwenImagePipelineFolder.defaults(of: directory.url)
        #expect(diffusers.width == 1024 && diffusers.steps == 50 && diffusers.promptTemplate == .qwenImage)
        #expect(diffusers.negativePrompt == nil)
        for (text, key) in [(#"{"_prompt_template_drop": "first_34"}"#, "_prompt_template_drop"),
                            (#"{"_sample_size": 32.5}"#, "_sample_size"), (#"{"_sample_size": true}"#, "_sample_size"),
                            (#"{"_num_inference_steps": 0}"#, "_num_inference_steps"),
                            (#"{"_negative_prompt": 3}"#, "_negative_prompt"), ("[1, 2]", "<root>")] {
            try Data(text.utf8).write(to: index)
            #expect {
                try QwenImagePipelineFolder.defaults(of: directory.url)
            } throws: { error in
                guard case .invalidConfiguration(let file, key, _)? = error as? GeneratorError else { return false }
                return file.hasSuffix("model_index.json")
            }
        }
    }

    @Test("a template-prefix drop removes exactly the template's leading tokens for any tokenizer")
    func templatePrefixDrop() throws {
        let template = PromptTemplate.qwenImagePrefixDrop
        let prefix = String(template.text[..<template.text.range(of: "{}")!.lowerBound])
        let characters = { (text: String) in text.unicodeScalars.map { Int($0.value) } }
        #expect(template.droppedTokenCount(tokenize: characters) == prefix.unicodeScalars.count)
        #expect(PromptTemplate.qwenImage.droppedTokenCount(tokenize: characters) == 34)
    }

    @Test("without vae/, out_channels that are not 3·p² are a typed error naming the key")
    func noPixelCodec() throws {
        let directory = try TemporaryDirectory(label: "mokus-generators")
        try QwenImagePipelineFolder.writePixelPipeline(
            transformer: Self.model(outChannels: 4), scheduler: FlowMatchEulerScheduler(), storedAs: .bfloat16,
            textEncoderClass: "Qwen2ForCausalLM", defaults: PipelineDefaults(), into: directory.url)
        #expect {
            try QwenImageGenerator(directory: directory.url)
        } throws: { error in
            guard case .invalidConfiguration(let file, "out_channels", _)? = error as? GeneratorError else { return false }
            return file.hasSuffix("transformer/config.json")
        }
    }
}
