import Evaluator
import Foundation
import Imaging
import Tensors
import TestSupport
import Testing
@testable import World

/// Concept images of the reserved concepts (`world render --concept`) and reference similarity
/// (`world score --reference`) with the bundled world's evaluator.
@Suite("Concept renders and reference similarity")
struct ConceptRenderTests {
    static let directory = try! BundledWorld.directory()

    @Test("concept captions show the reserved concept only, on the chosen or drawn backgrounds, never a training caption")
    func conceptCaptions() throws {
        let world = try World.load(from: Self.directory)
        let concept = world.splits.reservedConcepts[3]
        let teal = try world.conceptCaptions(concept: 3, count: 6, background: .teal, seed: 1)
        #expect(teal.count == 6 && teal.allSatisfy { $0.scene.object == concept && $0.scene.background == .teal })
        #expect(teal.allSatisfy { $0.text == $0.scene.caption && $0.fact == nil })
        let drawn = try world.conceptCaptions(concept: 3, count: 24, seed: 1)
        #expect(Set(drawn.map(\.scene.background)).count > 1)
        #expect(try world.conceptCaptions(concept: 3, count: 24, seed: 1) == drawn)
        let training = Set(world.captions(count: 2000, seed: 0).map(\.scene.object))
        #expect(!training.contains(concept))
        #expect(throws: WorldError.self) { try world.conceptCaptions(concept: world.splits.reservedConcepts.count, count: 1) }
    }

    @Test("reference similarity is each image's mean cosine similarity to the reference images")
    func referenceSimilarity() throws {
        let world = try World.load(from: Self.directory)
        let evaluator = try ImageEvaluator.load(
            from: Self.directory.appending(path: WorldFolder.evaluator), expectedSchema: EvaluatorRecipe.schema)
        let folder = try TemporaryDirectory(label: "concept-renders")
        let concept = folder.file("concept"), other = folder.file("other")
        try RenderedDataset.write(try world.conceptCaptions(concept: 12, count: 3, background: .teal, seed: 1), of: world, size: 32, to: concept)
        try RenderedDataset.write(try world.conceptCaptions(concept: 3, count: 2, seed: 2), of: world, size: 32, to: other)
        let references = try ImageFolderScoring.imageFiles(in: concept)
        let files = try ImageFolderScoring.imageFiles(in: other)
        let (scores, summary) = try ImageFolderScoring.score(files, captions: [:], evaluator: evaluator, references: references)

        let images = try ImageFolderScoring.images(files, size: 32), refs = try ImageFolderScoring.images(references, size: 32)
        for (index, score) in scores.enumerated() {
            let image = images.slice(axis: 0, index..<(index + 1))
            let pairs = try (0..<3).map { try evaluator.similarity(image, refs.slice(axis: 0, $0..<($0 + 1)))[0] }
            let expected = pairs.reduce(0, +) / 3
            #expect(abs(try #require(score.referenceSimilarity) - expected) < 1e-5)
        }
        #expect(abs(try #require(summary.meanReferenceSimilarity) - Double(scores.map { $0.referenceSimilarity! }.reduce(0, +)) / 2) < 1e-6)
        #expect(try ImageFolderScoring.score(files, captions: [:], evaluator: evaluator).summary.meanReferenceSimilarity == nil)
    }
}
