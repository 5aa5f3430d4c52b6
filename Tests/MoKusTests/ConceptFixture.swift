import Foundation
import Generators
import ModelIO
import MoKus
import Tensors
import Testing
import TextEncoders

/// The concept-learning fixtures (Tests/MoKusTests/Fixtures/concept, made by
/// make_concept_fixtures.py beside them; SCHEMA.md there) and the generator they train on: the tiny
/// diffusers pipeline of the generator tests (VAE factor 4) with the tiny Qwen2.5-VL text encoder.
enum ConceptFixture {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Fixtures/concept")
    static let images = folder.appending(path: "images")
    static let tests = folder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let pipeline = tests.appending(path: "GeneratorsTests/Fixtures/pipeline")
    static let encoder = tests.appending(path: "TextEncodersTests/Fixtures/qwen2_5_vl")
    static let worldTransformer = tests.deletingLastPathComponent().appending(path: "Sources/World/Resources/world/transformer")
    /// The generator's image side.
    static let size = 16

    static func tensors(_ name: String) throws -> [String: Tensor] {
        let file = try SafetensorsFile(url: folder.appending(path: name))
        return try Dictionary(uniqueKeysWithValues: file.names.map { ($0, try file.numericTensor(named: $0)) })
    }

    static func generator() throws -> QwenImageGenerator { try QwenImageGenerator(directory: pipeline) }

    static func prompts() throws -> PromptEncoder { PromptEncoder(encoder: try TextEncoderLoader.load(directory: encoder)) }

    /// A short, fast run: 6 steps at a rate high enough to move the adapters, a checkpoint every 2.
    static func settings(steps: Int = 6) -> ConceptLearningSettings {
        var settings = ConceptLearningSettings(prompt: "sks dog")
        settings.training.steps = steps
        settings.training.learningRate = 1e-2
        settings.training.minimumLearningRate = 1e-2
        settings.training.checkpointEvery = 2
        settings.classSamplingSteps = 2
        return settings
    }

    static func learn(
        _ settings: ConceptLearningSettings = settings(), checkpoints: URL? = nil, stopAfter: Int? = nil
    ) throws -> ConceptLearningResult {
        let generator = try generator()
        let fingerprint = try #require(generator.transformer.weights as? ComponentWeights).fingerprint
        return try ConceptLearning.learn(
            generator: generator, baseFingerprint: fingerprint, prompts: try prompts(),
            images: try ConceptImages.read(folder: images, width: size, height: size), settings: settings,
            checkpointDirectory: checkpoints, stopAfter: stopAfter)
    }
}
