import Foundation
import KnowledgeEditing
import ModelInterfaces
import Tensors
import TextEncoders
import UltraEdit

/// The committed tiny Qwen2 checkpoint (hidden 64, intermediate 128, 2 layers) and the
/// repository's hparams/UltraEdit/tiny-qwen2.yaml (gate_proj and up_proj of both layers).
enum Fixture {
    static let checkpoint = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "TextEncodersTests/Fixtures/qwen2")
    static let repository = checkpoint.deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Four facts about made-up subjects (the tiny model knows nothing; the point is writing them).
    static let requests = [
        ("The red apple is on the", "table"), ("Zürich is a city in", "Japan"),
        ("The wooden chair is made of", "glass"), ("My sister works as a", "pilot"),
    ].map { EditRequest(prompt: $0.0, targetNew: $0.1) }

    static func encoder() throws -> any TextEncoder {
        try TextEncoderLoader.load(directory: checkpoint)
    }

    /// hparams/UltraEdit/tiny-qwen2.yaml.
    static func hyperparameters() throws -> UltraEditHyperparameters {
        try HyperparameterFile(contentsOf: repository.appending(path: "hparams/UltraEdit/tiny-qwen2.yaml"))
            .decode(UltraEditHyperparameters.self)
    }

    /// Mean log-probability of each request's target (teacher forcing).
    static func targetLogProbabilities(_ requests: [EditRequest], encoder: any TextEncoder) throws -> [Float] {
        try TeacherForcing.score(requests.map { ($0.prompt, $0.targetNew) }, encoder: encoder).map(\.meanLogProbability)
    }
}
