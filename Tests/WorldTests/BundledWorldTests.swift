import Evaluator
import Foundation
import Testing
import TextEncoders
@testable import World

/// The world shipped in the package: its files agree with one another and its trained parts still
/// know what docs/world.md reports (on a sample, so the check runs in seconds in a debug build).
@Suite("Bundled world")
struct BundledWorldTests {
    static let directory = try! BundledWorld.directory()

    @Test("world.json is the default world and corpus.txt is its corpus, one document per line")
    func filesAgree() throws {
        let world = try World.load(from: Self.directory)
        #expect(world == (try World.generate()))
        let corpus = try String(contentsOf: Self.directory.appending(path: "corpus.txt"), encoding: .utf8)
        #expect(corpus == world.corpus().joined(separator: "\n") + "\n")
    }

    @Test("the encoder answers fact questions and held-out paraphrases; the evaluator names attributes")
    func trainedPartsKnow() throws {
        let world = try World.load(from: Self.directory)
        let encoder = try TextEncoderLoader.load(directory: Self.directory.appending(path: WorldFolder.textEncoder))
        let scores = try WorldEvaluation.encoderScores(world: world, encoder: encoder, limit: 60)
        #expect(scores.factExact >= 0.9 && scores.paraphraseExact >= 0.8)
        let evaluator = try ImageEvaluator.load(
            from: Self.directory.appending(path: WorldFolder.evaluator), expectedSchema: EvaluatorRecipe.schema)
        let accuracy = try WorldEvaluation.evaluatorAccuracy(evaluator, count: 128)
        #expect(accuracy.count == 5 && accuracy.values.allSatisfy { $0 >= 0.95 })
    }
}
