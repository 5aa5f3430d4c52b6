import Foundation
import Generators
import MoKus
import Testing
import TextEncoders
import World

/// Enc-FT (`erase --enc-ft`) on the bundled world's encoder: its objective falls, only the chosen
/// layers move, the encoder is left as it was, and bad settings are refused.
@Suite("Enc-FT")
struct EncoderFineTuningTests {
    static func encoder() throws -> TransformerTextEncoder {
        try TextEncoderLoader.load(directory: BundledWorld.directory().appending(path: WorldFolder.textEncoder))
    }

    @Test("a few steps lower the loss, move only the chosen layer and leave the encoder unchanged")
    func tunes() throws {
        let encoder = try Self.encoder()
        let before = try encoder.parameter("model.layers.1.mlp.down_proj.weight").scalars
        let settings = EncoderFineTuning(layers: [1], steps: 6, learningRate: 1e-3, preservation: 1, batchSize: 3)
        let result = try settings.tune(
            encoder, template: .qwenImagePrefixDrop, pairs: [("a star", "a grey blob"), ("What is a star?", "What is a grey blob?")],
            preserved: ["a circle"])
        #expect(result.parameters.allSatisfy { $0.name.hasPrefix("model.layers.1.") } && !result.parameters.isEmpty)
        #expect(try #require(result.losses.last) < result.losses[0], "losses \(result.losses)")
        #expect(try encoder.parameter("model.layers.1.mlp.down_proj.weight").scalars == before)
        let tuned = try #require(result.parameters.first { $0.name == "model.layers.1.mlp.down_proj.weight" })
        #expect(tuned.value.scalars != before)
    }

    @Test("a layer the encoder does not have, or no pair, is refused")
    func refuses() throws {
        let encoder = try Self.encoder()
        #expect(throws: MoKusError.self) {
            try EncoderFineTuning(layers: [9]).tune(encoder, template: .qwenImagePrefixDrop, pairs: [("a star", "a blob")], preserved: [])
        }
        #expect(throws: MoKusError.self) {
            try EncoderFineTuning().tune(encoder, template: .qwenImagePrefixDrop, pairs: [], preserved: ["a star"])
        }
    }
}
