import Foundation
import Generators
import Imaging
import ModelInterfaces
import TestSupport
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
        let directory = try TemporaryDirectory(label: "mokus-world-train")
        let first = directory.file("first")
        let result = try Self.train(first, seed: 1)
        #expect(result.step == GeneratorRecipe.test.steps && result.resumedFrom == 0)
        #expect(result.losses.allSatisfy { $0.isFinite && $0 > 0 } && result.averagedParameters != nil)
        for file in ["model_index.json", "scheduler/scheduler_config.json", "transformer/config.json",
                     "text_encoder/config.json", "tokenizer/tokenizer.json"] {
            #expect(FileManager.default.fileExists(atPath: Self.path(first.appending(path: file))), "\(file)")
        }
        #expect(!FileManager.default.fileExists(atPath: Self.path(first.appending(path: ".checkpoints"))))
        let generator = try QwenImageGenerator(directory: first)
        #expect((generator.codec as? PixelPatchCodec)?.patchSize == GeneratorRecipe.test.pixelPatch)
        #expect(generator.scheduler == FlowMatchEulerScheduler(.qwenImage))

        let png = directory.file("star.png")
        try Mokus.Generate.parse([
            "--generator", Self.path(first), "--prompt", "a small red striped star on a grey background",
            "--out", Self.path(png),
        ]).run()  // size (32×32) and steps (4) from the pipeline's model_index.json
        let image = try PNGCodec.read(contentsOf: png)
        #expect(image.width == 32 && image.height == 32)

        let again = directory.file("again"), other = directory.file("other")
        _ = try Self.train(again, seed: 1)
        _ = try Self.train(other, seed: 2)
        #expect(try Self.weights(again) == Self.weights(first))
        #expect(try Self.weights(other) != Self.weights(first))
    }

    @Test("an interrupted run resumes from its checkpoint to the uninterrupted run's bytes")
    func resumes() throws {
        let directory = try TemporaryDirectory(label: "mokus-world-train")
        let straight = directory.file("straight"), interrupted = directory.file("interrupted")
        _ = try Self.train(straight, seed: 4)
        let stopped = try Self.train(interrupted, seed: 4, extra: ["--stop-after", "3"])
        #expect(stopped.step == 3)
        #expect(!FileManager.default.fileExists(atPath: Self.path(interrupted.appending(path: "transformer"))))
        let resumed = try Self.train(interrupted, seed: 4)
        // The test recipe checkpoints every 2 steps: step 3 is redone.
        #expect(resumed.resumedFrom == 2 && resumed.step == GeneratorRecipe.test.steps)
        #expect(try Self.weights(interrupted) == Self.weights(straight))
    }

    @Test("world eval measures the generator on held-out prompts and an edit's transfer, fractions of the images made")
    func evaluatesGenerator() throws {
        let directory = try TemporaryDirectory(label: "mokus-world-train")
        let world = directory.file("world")
        _ = try Self.train(world, seed: 1)
        try FileManager.default.copyItem(
            at: try BundledWorld.directory().appending(path: WorldFolder.evaluator), to: world.appending(path: WorldFolder.evaluator))
        let hparams = EditCommandTests.repository.appending(path: "hparams/UltraEdit/world.yaml")
        let report = try Mokus.WorldCommand.Eval.parse([
            "--world", Self.path(world), "--questions", "2", "--renders", "8", "--prompts", "3", "--seeds", "2",
            "--edits", "1", "--edit-hparams", Self.path(hparams), "--quiet",
        ]).report()
        let generator = try #require(report["generator"] as? [String: Any])
        for key in ["direct_shape_colour", "direct_all", "known_entity", "heldout_entity"] {
            let value = try #require(generator[key] as? Double, "\(key)")
            #expect((0...1).contains(value) && (value * 6).rounded() == value * 6, "\(key): a fraction of 6 images")
        }
        let sets = try #require(generator["sets"] as? [String: [String: Any]])
        #expect(sets.count == 3 && sets.values.allSatisfy { $0["images"] as? Int == 6 })
        let edits = try #require((generator["edits"] as? [String: [String: Any]])?["ULTRAEDIT"])
        #expect(edits["edits"] as? Int == 1 && edits["transfer_images"] as? Int == 4 && edits["unrelated_images"] as? Int == 40)
        #expect((generator["heldout_control"] as? [String: [String: Double]])?["ULTRAEDIT"]?.keys.sorted() == ["new_object", "old_object"])
    }
}
