import Foundation
import Testing
import Evaluator
import Tensors

/// Training on shapes drawn in the test: held-out accuracy, reproducibility, progress reports.
@Suite("Evaluator training")
struct EvaluatorTrainingTests {
    @Test("learns every attribute to ≥ 95% on held-out images")
    func learnsAttributes() throws {
        let start = ContinuousClock.now
        let evaluator = TrainedEvaluator.evaluator
        let accuracy = try evaluator.accuracy(images: TrainedEvaluator.heldOut.images, labels: TrainedEvaluator.heldOut.labels)
        print("accuracy \(accuracy) in \(ContinuousClock.now - start)")
        for name in TinyShapes.schema.names {
            #expect((accuracy[name] ?? 0) >= 0.95, "\(name): \(accuracy[name] ?? 0)")
        }
    }
}
