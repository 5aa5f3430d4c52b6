import Foundation
import Tensors
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
        let directory = try TinyQwenImage.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = FlowMatchEulerScheduler.Configuration.qwenImage
        configuration.maxShift = 1.1
        for (outChannels, patch) in [(3, 1), (12, 2)] {
            let pipeline = directory.appending(path: "p\(patch)")
            try QwenImagePipelineFolder.writePixelPipeline(
                transformer: Self.model(outChannels: outChannels), scheduler: FlowMatchEulerScheduler(configuration),
                storedAs: .float32, textEncoderClass: "Qwen2ForCausalLM", into: pipeline)
            let generator = try QwenImageGenerator(directory: pipeline)
            #expect((generator.codec as? PixelPatchCodec)?.patchSize == patch)
            #expect(generator.scheduler.configuration == configuration)
            let index = try JSONSerialization.jsonObject(
                with: Data(contentsOf: pipeline.appending(path: QwenImagePipelineFolder.modelIndex))) as? [String: Any]
            #expect((index?["vae"] as? [Any])?.allSatisfy { $0 is NSNull } == true)
        }
    }

    @Test("without vae/, out_channels that are not 3·p² are a typed error naming the key")
    func noPixelCodec() throws {
        let directory = try TinyQwenImage.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try QwenImagePipelineFolder.writePixelPipeline(
            transformer: Self.model(outChannels: 4), scheduler: FlowMatchEulerScheduler(), storedAs: .bfloat16,
            textEncoderClass: "Qwen2ForCausalLM", into: directory)
        #expect {
            try QwenImageGenerator(directory: directory)
        } throws: { error in
            guard case .invalidConfiguration(let file, "out_channels", _)? = error as? GeneratorError else { return false }
            return file.hasSuffix("transformer/config.json")
        }
    }
}
