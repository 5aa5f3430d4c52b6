import Foundation
import Generators
import Imaging
import ModelInterfaces
@testable import mokus
import Testing
import Training
import World

/// `mokus world train generator` with the test recipe, and `mokus generate` on what it writes.
@Suite("mokus world train generator")
struct WorldTrainGeneratorTests {
    static func path(_ url: URL) -> String { url.path(percentEncoded: false) }

    static func train(_ out: URL, seed: Int, extra: [String] = []) throws -> TrainingResult {
        try Mokus.WorldCommand.Train.Generator.parse(
            ["--out", path(out), "--test-recipe", "--seed", "\(seed)", "--log-every", "1000"] + extra
        ).train()
    }

    static func weights(_ out: URL) throws -> Data {
        try Data(contentsOf: out.appending(path: "transformer/\(QwenImageTransformer.weightsFile)"))
    }

    @Test("writes a pipeline folder that mokus generate runs; same seed, same bytes; another seed, other bytes")
    func trainsAndGenerates() throws {
        let directory = try WorldTrainCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = directory.appending(path: "first")
        let result = try Self.train(first, seed: 1)
        #expect(result.step == GeneratorRecipe.test.steps && result.resumedFrom == 0)
        #expect(result.losses.allSatisfy { $0.isFinite && $0 > 0 } && result.averagedParameters != nil)
        for file in ["model_index.json", "scheduler/scheduler_config.json", "transformer/config.json",
                     "text_encoder/config.json", "tokenizer/tokenizer.json"] {
            #expect(FileManager.default.fileExists(atPath: Self.path(first.appending(path: file))), "\(file)")
        }
        #expect(!FileManager.default.fileExists(atPath: Self.path(first.appending(path: ".checkpoints/generator"))))
        let generator = try QwenImageGenerator(directory: first)
        #expect((generator.codec as? PixelPatchCodec)?.patchSize == 1)
        #expect(generator.scheduler == FlowMatchEulerScheduler(.qwenImage))

        let png = directory.appending(path: "star.png")
        try Mokus.Generate.parse([
            "--generator", Self.path(first), "--prompt", "a small red striped star on a grey background",
            "--out", Self.path(png),
        ]).run()  // size (16×16) and steps (4) from the pipeline's model_index.json
        let image = try PNGCodec.read(contentsOf: png)
        #expect(image.width == 16 && image.height == 16)

        let again = directory.appending(path: "again"), other = directory.appending(path: "other")
        _ = try Self.train(again, seed: 1)
        _ = try Self.train(other, seed: 2)
        #expect(try Self.weights(again) == Self.weights(first))
        #expect(try Self.weights(other) != Self.weights(first))
    }

    @Test("an interrupted run resumes from its checkpoint to the uninterrupted run's bytes")
    func resumes() throws {
        let directory = try WorldTrainCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let straight = directory.appending(path: "straight"), interrupted = directory.appending(path: "interrupted")
        _ = try Self.train(straight, seed: 4)
        let stopped = try Self.train(interrupted, seed: 4, extra: ["--stop-after", "3"])
        #expect(stopped.step == 3)
        #expect(!FileManager.default.fileExists(atPath: Self.path(interrupted.appending(path: "transformer"))))
        let resumed = try Self.train(interrupted, seed: 4)
        // The test recipe checkpoints every 2 steps: step 3 is redone.
        #expect(resumed.resumedFrom == 2 && resumed.step == GeneratorRecipe.test.steps)
        #expect(try Self.weights(interrupted) == Self.weights(straight))
    }
}
