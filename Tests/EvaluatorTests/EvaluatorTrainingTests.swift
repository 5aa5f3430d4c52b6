import Foundation
import Testing
@testable import Evaluator
import TestSupport
import Tensors

/// Training on shapes drawn in the test: held-out accuracy, reproducibility, progress reports.
@Suite("Evaluator training")
struct EvaluatorTrainingTests {
    @Test("learns every attribute to ≥ 95% on held-out images")
    func learnsAttributes() throws {
        let evaluator = TrainedEvaluator.evaluator
        let accuracy = try evaluator.accuracy(images: TrainedEvaluator.heldOut.images, labels: TrainedEvaluator.heldOut.labels)
        for name in TinyShapes.schema.names {
            #expect((accuracy[name] ?? 0) >= 0.95, "\(name): \(accuracy[name] ?? 0)")
        }
    }

    @Test("the same seeds give bit-identical parameters; progress counts every step")
    func reproducible() throws {
        let dataset = LabelledDataset(TinyShapes.batch(count: 64, seed: 5))
        var reports: [EvaluatorTrainingProgress] = []
        func run() throws -> ImageEvaluator {
            try ImageEvaluator.train(
                configuration: TinyShapes.configuration, options: EvaluatorTrainingOptions(steps: 6, seed: 6),
                nextBatch: { try dataset.batch(at: $0, size: 16, seed: 7) }, progress: { reports.append($0) })
        }
        let (first, second) = (try run(), try run())
        let probe = TinyShapes.batch(count: 8, seed: 8).images
        #expect(try first.embeddings(probe).scalars == second.embeddings(probe).scalars)
        #expect(reports.map(\.step) == Array(1...6) + Array(1...6))
        #expect(reports.allSatisfy { $0.loss.isFinite && $0.loss > 0 && $0.totalSteps == 6 })
        // A different initialisation seed gives a different model.
        let other = try ImageEvaluator.train(
            configuration: TinyShapes.configuration, options: EvaluatorTrainingOptions(steps: 6, seed: 9),
            nextBatch: { try dataset.batch(at: $0, size: 16, seed: 7) })
        #expect(try other.embeddings(probe).scalars != first.embeddings(probe).scalars)
    }

    @Test("seeded batches: a fixed order per epoch, every image once per epoch")
    func datasetOrder() throws {
        let dataset = LabelledDataset(TinyShapes.batch(count: 12, seed: 10))
        let epoch = try (0..<3).flatMap { try dataset.batch(at: $0, size: 4, seed: 11).labels }
        #expect(epoch.sorted { $0.lexicographicallyPrecedes($1) } == dataset.examples.labels.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(try dataset.batch(at: 1, size: 4, seed: 11).images.scalars == dataset.batch(at: 1, size: 4, seed: 11).images.scalars)
        #expect(try dataset.batch(at: 3, size: 4, seed: 11).images.scalars != dataset.batch(at: 0, size: 4, seed: 11).images.scalars)
        #expect(throws: EvaluatorError.self) { try dataset.batch(at: 0, size: 13, seed: 11) }
    }

    @Test("gradient of the summed cross-entropy matches finite differences")
    func gradientCheck() throws {
        let schema = try AttributeSchema([
            ImageAttribute(name: "a", classes: ["x", "y", "z"]), ImageAttribute(name: "b", classes: ["u", "v"]),
        ])
        let configuration = try EvaluatorConfiguration(schema: schema, imageSize: 5, channels: [3, 4], strides: [2, 1])
        let network = EvaluatorNetwork(configuration: configuration)
        let initial = network.initialParameters(seed: 12)
        var rng = RandomGenerator(seed: 13)
        let images = rng.uniform([2, 3, 5, 5])
        let report = GradientCheck.check(initial + [images], step: 1e-3) { values in
            network.loss(values[values.count - 1], labels: [[0, 2], [1, 0]], Array(values.dropLast()))
        }
        #expect(report.maxRelativeError <= 2e-2, "\(report)")
    }
}
