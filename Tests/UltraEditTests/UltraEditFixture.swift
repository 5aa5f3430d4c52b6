import EditingTestSupport
import Foundation
import KnowledgeEditing
import ModelInterfaces
import Tensors
import TextEncoders
import UltraEdit

/// The committed tiny Qwen2 checkpoint (hidden 64, intermediate 128, 2 layers) and the
/// repository's hparams/UltraEdit/tiny-qwen2.yaml (gate_proj and up_proj of both layers).
enum Fixture {
    static let checkpoint = TinyEditingFixture.checkpoint
    static let repository = TinyEditingFixture.repository

    /// The first four shared facts, without subjects (UltraEdit needs none).
    static let requests = TinyEditingFixture.facts.prefix(4).map { EditRequest(prompt: $0.prompt, targetNew: $0.targetNew) }

    static func encoder() throws -> any TextEncoder {
        try TextEncoderLoader.load(directory: checkpoint)
    }

    /// hparams/UltraEdit/tiny-qwen2.yaml.
    static func hyperparameters() throws -> UltraEditHyperparameters {
        try TinyEditingFixture.hyperparameters("UltraEdit")
            .decode(UltraEditHyperparameters.self)
    }

    /// Mean log-probability of each request's target (teacher forcing).
    static func targetLogProbabilities(_ requests: [EditRequest], encoder: any TextEncoder) throws -> [Float] {
        try TeacherForcing.score(requests.map { ($0.prompt, $0.targetNew) }, encoder: encoder).map(\.meanLogProbability)
    }
}
