import Evaluator
import Foundation
import Imaging
import ModelInterfaces
import ModelIO
import TestSupport
@testable import mokus
import Testing
import TextEncoders
import Tokenizers
import World

/// `mokus world train`, `world eval` and `world score`, parsed and run in-process with the tiny
/// test recipes (seconds in a debug build).
@Suite("mokus world train, eval and score")
struct WorldTrainCommandTests {
    static func path(_ url: URL) -> String { url.path(percentEncoded: false) }

    /// `world train encoder --test-recipe` with a short schedule into `out`.
    static func trainEncoder(_ out: URL, seed: Int, extra: [String] = []) throws -> [String: Any] {
        let command = try Mokus.WorldCommand.Train.Encoder.parse(
            ["--out", path(out), "--test-recipe", "--steps", "20", "--seed", "\(seed)", "--log-every", "1000"] + extra)
        return WorldTrainingOptions.summary(try command.train(), items: "tokens")
    }

    static func isCorruptWorld(_ error: any Error) -> Bool {
        guard case .corruptFile(let path, _, _, _)? = error as? WorldError else { return false }
        return path.hasSuffix("world.json")
    }

    static func weights(_ world: URL) throws -> Data {
        try Data(contentsOf: world.appending(path: "\(WorldFolder.textEncoder)/model.safetensors"))
    }

    @Test("train encoder writes a loadable tokenizer and encoder that world eval measures; same seed, same bytes")
    func encoderTrainsAndEvaluates() throws {
        let directory = try TemporaryDirectory(label: "mokus-world-train")
        let first = directory.file("first")
        let summary = try Self.trainEncoder(first, seed: 1)
        #expect(summary["steps"] as? Int == 20 && summary["resumed_from"] as? Int == 0)
        #expect((summary["final_loss"] as? Double).map { $0.isFinite && $0 > 0 } == true)
        let tokenizer = first.appending(path: WorldFolder.tokenizer)
        #expect(FileManager.default.fileExists(atPath: Self.path(tokenizer.appending(path: "tokenizer.json"))))
        let encoder = try TextEncoderLoader.load(directory: first.appending(path: WorldFolder.textEncoder))
        #expect(try encoder.tokenize("What is Mia's lucky charm?").count > 1)
        #expect(try World.load(from: first) == World.generate())
        #expect(!FileManager.default.fileExists(atPath: Self.path(first.appending(path: ".checkpoints"))))

        let report = try Mokus.WorldCommand.Eval.parse(["--world", Self.path(first), "--questions", "16", "--json"]).report()
        let scores = try #require(report["encoder"] as? [String: Any])
        for key in ["fact_exact", "paraphrase_exact"] {
            let value = try #require(scores[key] as? Double)
            #expect((0...1).contains(value), "\(key) = \(value)")
        }
        #expect(scores["questions"] as? Int == 16)
        #expect(report["evaluator"] == nil)  // this world folder has no evaluator/

        let again = directory.file("again"), other = directory.file("other")
        _ = try Self.trainEncoder(again, seed: 1)
        _ = try Self.trainEncoder(other, seed: 2)
        #expect(try Self.weights(again) == Self.weights(first))
        #expect(try Self.weights(other) != Self.weights(first))
    }

    @Test("an interrupted train encoder keeps its checkpoint and resumes to the uninterrupted run's bytes")
    func encoderResumes() throws {
        let directory = try TemporaryDirectory(label: "mokus-world-train")
        let straight = directory.file("straight"), interrupted = directory.file("interrupted")
        _ = try Self.trainEncoder(straight, seed: 3)
        let stopped = try Self.trainEncoder(interrupted, seed: 3, extra: ["--stop-after", "15"])
        #expect(stopped["steps"] as? Int == 15)
        let checkpoints = interrupted.appending(path: ".checkpoints/encoder")
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: Self.path(checkpoints))).isEmpty)
        let resumed = try Self.trainEncoder(interrupted, seed: 3)
        // The test recipe checkpoints every 10 steps: steps 11–15 are redone, as after a real interruption.
        #expect(resumed["resumed_from"] as? Int == 10 && resumed["steps"] as? Int == 20)
        #expect(try Self.weights(interrupted) == Self.weights(straight))
        #expect(!FileManager.default.fileExists(atPath: Self.path(checkpoints)))
        #expect(throws: (any Error).self) {
            try Mokus.WorldCommand.Train.Encoder.parse(["--out", "x", "--stop-after", "0"])
        }
    }

    @Test("train evaluator writes an evaluator that world score reads renders with; scores agree with the evaluator's")
    func evaluatorScoresRenders() throws {
        let directory = try TemporaryDirectory(label: "mokus-world-train")
        let world = directory.file("world"), renders = directory.file("renders")
        try Mokus.WorldCommand.Train.Evaluator.parse(["--out", Self.path(world), "--test-recipe", "--log-every", "1000"]).run()
        let count = ImageFolderScoring.batchSize + 6  // two batches
        try Mokus.WorldCommand.Render.parse(["--out", Self.path(renders), "--count", "\(count)", "--seed", "5", "--quiet"]).run()
        // A render folder is scored through its images/ and captions.jsonl.
        let command = try Mokus.WorldCommand.Score.parse(["--images", Self.path(renders), "--world", Self.path(world), "--json"])
        let (scores, summary) = try command.score()

        let json = Mokus.WorldCommand.Score.json(scores, summary: summary)
        #expect(JSONSerialization.isValidJSONObject(json))
        let images = try #require(json["images"] as? [[String: Any]])
        #expect(images.count == count && images.first?["file"] as? String == "00000.png")
        let attributes = try #require(images[0]["attributes"] as? [String: [String: Any]])
        #expect(attributes.keys.sorted() == ["background", "colour", "pattern", "shape", "size"])
        #expect(attributes["shape"]?["class"] is String && attributes["shape"]?["probability"] is Double)
        #expect(images[0]["alignment"] is Double && images[0]["all_correct"] is Bool && images[0]["caption"] is String)
        let jsonSummary = try #require(json["summary"] as? [String: Any])
        #expect(jsonSummary["images"] as? Int == count && jsonSummary["captioned"] as? Int == count)
        let accuracy = try #require(jsonSummary["attribute_accuracy"] as? [String: Double])
        #expect(accuracy.keys.sorted() == attributes.keys.sorted() && accuracy.values.allSatisfy { (0...1).contains($0) })
        for key in ["all_correct", "mean_alignment", "mean_pairwise_similarity"] { #expect(jsonSummary[key] is Double) }

        // The same numbers straight from the evaluator, on all images at once.
        let evaluator = try ImageEvaluator.load(from: world.appending(path: WorldFolder.evaluator))
        let captions = try World.generate().captions(count: count, seed: 5)
        let batch = try EvaluatorRecipe.batch(of: captions.map(\.scene))
        let predictions = try evaluator.predict(batch.images)
        for (index, (score, caption)) in zip(scores, captions).enumerated() {
            let expected = try evaluator.alignment(
                attributes: try #require(score.caption).attributes, images: batch.images.slice(axis: 0, index..<index + 1))
            #expect(abs(try #require(score.alignment) - expected[0]) < 1e-5)
            #expect(score.caption?.text == caption.text)
            #expect(score.attributes.map(\.className) == predictions[index].attributes.map(\.className))
        }
        let labels = batch.labels
        for (a, attribute) in EvaluatorRecipe.schema.attributes.enumerated() {
            let right = zip(predictions, labels).filter { $0.attributes[a].classIndex == $1[a] }.count
            #expect(abs(summary.attributeAccuracy[attribute.name]! - Double(right) / Double(count)) < 1e-12)
        }
        var pairs = 0.0, total = 0.0
        for i in 0..<count {
            for j in (i + 1)..<count {
                total += zip(predictions[i].embedding, predictions[j].embedding).reduce(0) { $0 + Double($1.0 * $1.1) }
                pairs += 1
            }
        }
        #expect(abs(try #require(summary.meanPairwiseSimilarity) - total / pairs) < 1e-4)
        let table = Mokus.WorldCommand.Score.table(scores, summary: summary)
        #expect(table.split(separator: "\n").count == 1 + count + 3)  // header, rows, 3 summary lines (the blank one dropped)
    }

    @Test("world score: missing, empty, non-PNG and wrongly sized images, bad captions and no evaluator are typed errors")
    func scoreErrors() throws {
        let directory = try TemporaryDirectory(label: "mokus-world-train")
        let world = directory.file("world"), images = directory.file("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        func score(_ folder: URL, world: URL = world, captions: URL? = nil) throws {
            let arguments = ["--images", Self.path(folder), "--world", Self.path(world)]
                + (captions.map { ["--captions", Self.path($0)] } ?? [])
            _ = try Mokus.WorldCommand.Score.parse(arguments).score()
        }
        // No evaluator/ yet.
        #expect(throws: WorldError.unreadableFile(
            path: Self.path(world.appending(path: WorldFolder.evaluator)),
            reason: "the world has no evaluator (mokus world train evaluator --out DIR makes one)")) { try score(images) }
        try ImageEvaluator(configuration: try .standard(schema: EvaluatorRecipe.schema), seed: 0)
            .save(to: world.appending(path: WorldFolder.evaluator))

        #expect { try score(directory.file("nowhere")) } throws: { error in
            guard case .unreadableFile(let path, "no such folder")? = error as? WorldError else { return false }
            return path.hasPrefix(Self.path(directory.file("nowhere")))
        }
        try Data("not an image".utf8).write(to: images.appending(path: "notes.txt"))
        #expect { try score(images) } throws: { error in
            guard case .invalidArgument("images", _, let found)? = error as? WorldError else { return false }
            return found.hasPrefix("none in '\(Self.path(images))")
        }

        let render = try Renderer.render(EvaluatorRecipe.heldOutScenes(count: 1, seed: 1)[0])
        try PNGCodec.write(render.image, to: images.appending(path: "a.png"))
        try score(images)  // one good image, the text file ignored
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]).write(to: images.appending(path: "b.png"))
        #expect(throws: ImagingError.self) { try score(images) }
        try FileManager.default.removeItem(at: images.appending(path: "b.png"))
        try PNGCodec.write(try Image(width: 16, height: 24, layout: .rgb, filledWith: [0, 0, 0]), to: images.appending(path: "c.png"))
        #expect(throws: WorldError.unusableImage(
            path: Self.path(images.appending(path: "c.png")), expected: "32×32 pixels (the evaluator's size)", found: "16×24")) {
            try score(images)
        }
        try FileManager.default.removeItem(at: images.appending(path: "c.png"))

        let captions = directory.file("captions.jsonl")
        try Data("{\"file\": \"images/a.png\", \"attributes\": {\"shape\": \"blob\"}}\n".utf8).write(to: captions)
        #expect(throws: WorldError.corruptFile(
            path: Self.path(captions), key: "line 1: attributes.shape",
            expected: "one of \(ObjectShape.allCases.map(\.rawValue))", found: "'blob'")) { try score(images, captions: captions) }
        try Data("{\"file\": \"images/a.png\", \"attributes\": {\"shape\": \"star\"}}\n{\"file\":".utf8).write(to: captions)
        #expect(throws: WorldError.self) { try score(images, captions: captions) }
    }

    @Test("train and eval: --steps 0, a missing or truncated world.json, corrupted encoder weights, a world without text")
    func trainAndEvalErrors() throws {
        let directory = try TemporaryDirectory(label: "mokus-world-train")
        #expect(throws: (any Error).self) { try Mokus.WorldCommand.Train.Encoder.parse(["--out", "x", "--steps", "0"]) }
        #expect(throws: (any Error).self) { try Mokus.WorldCommand.Train.Evaluator.parse(["--out", "x", "--steps", "0"]) }

        let empty = directory.file("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        #expect { try Mokus.WorldCommand.Eval.parse(["--world", Self.path(empty)]).report() } throws: { error in
            guard case .unreadableFile(let path, _)? = error as? WorldError else { return false }
            return path.hasSuffix("world.json")
        }

        let truncated = directory.file("truncated")
        try FileManager.default.createDirectory(at: truncated, withIntermediateDirectories: true)
        let worldData = try World.generate().jsonData()
        try worldData.prefix(worldData.count / 2).write(to: truncated.appending(path: World.fileName))
        #expect { try Mokus.WorldCommand.Eval.parse(["--world", Self.path(truncated)]).report() } throws: { Self.isCorruptWorld($0) }
        let out = Self.path(directory.file("out"))
        #expect {
            try Mokus.WorldCommand.Train.Encoder.parse(["--out", out, "--world", Self.path(truncated), "--test-recipe"]).train()
        } throws: { Self.isCorruptWorld($0) }
        #expect {
            try Mokus.WorldCommand.Train.Evaluator.parse(["--out", out, "--world", Self.path(truncated), "--test-recipe"]).run()
        } throws: { Self.isCorruptWorld($0) }

        // A world whose text encoder's weights are cut short (the committed Qwen2 fixture, truncated).
        let corrupted = directory.file("corrupted")
        try World.generate().save(to: corrupted)
        let encoder = corrupted.appending(path: WorldFolder.textEncoder)
        try FileManager.default.copyItem(at: CLITests.fixtures.appending(path: "qwen2"), to: encoder)
        let weights = encoder.appending(path: "model.safetensors")
        let bytes = try Data(contentsOf: weights)
        try bytes.prefix(bytes.count / 2).write(to: weights)
        #expect { try Mokus.WorldCommand.Eval.parse(["--world", Self.path(corrupted)]).report() } throws: { error in
            (error is ModelIOError || error is TextEncoderError) && "\(error)".contains("model.safetensors")
        }

        // A world without text (no entities, so no facts, and no direct captions): the tokenizer trainer refuses it.
        var object = try #require(try JSONSerialization.jsonObject(with: worldData) as? [String: Any])
        var configuration = try #require(object["configuration"] as? [String: Any])
        configuration["directCaptionCount"] = 0
        object["configuration"] = configuration
        (object["entities"], object["facts"]) = ([Any](), [Any]())
        var splits = try #require(object["splits"] as? [String: Any])
        (splits["captionedEntities"], splits["heldOutEntities"]) = ([String](), [String]())
        object["splits"] = splits
        let textless = directory.file("textless")
        try FileManager.default.createDirectory(at: textless, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: object).write(to: textless.appending(path: World.fileName))
        #expect(try World.load(from: textless).corpus().isEmpty)
        #expect(throws: TokenizerError.emptyCorpus(texts: 0)) {
            try Mokus.WorldCommand.Train.Encoder.parse(
                ["--out", Self.path(textless), "--world", Self.path(textless), "--test-recipe"]).train()
        }
    }

    @Test("a bad --recipe file is a typed error naming the key, and every world train command leaves no output")
    func badRecipeLeavesNothing() throws {
        let directory = try TemporaryDirectory(label: "mokus-world-train")
        let recipe = try directory.write(#"{"widht": 3}"#, to: "recipe.json")
        let commands: [(String) throws -> Void] = [
            { try Mokus.WorldCommand.Train.Encoder.parse(["--out", $0, "--test-recipe", "--recipe", Self.path(recipe)]).run() },
            { try Mokus.WorldCommand.Train.Evaluator.parse(["--out", $0, "--test-recipe", "--recipe", Self.path(recipe)]).run() },
            { try Mokus.WorldCommand.Train.Generator.parse(["--out", $0, "--test-recipe", "--recipe", Self.path(recipe)]).run() },
        ]
        for (index, command) in commands.enumerated() {
            let out = directory.file("out\(index)")
            #expect { try command(Self.path(out)) } throws: { error in
                guard case .corruptFile(_, let key, _, _)? = error as? WorldError else { return false }
                return key == "widht"
            }
            #expect(!FileManager.default.fileExists(atPath: Self.path(out)))
        }
    }
}
