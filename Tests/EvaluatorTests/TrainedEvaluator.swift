import Evaluator
import Tensors

/// The evaluator every scoring test shares, trained once (on first use) on ``TinyShapes`` images
/// drawn afresh for every step (as the world renders on the fly), and the held-out images it is
/// judged on (drawn from another seed).
enum TrainedEvaluator {
    static let heldOut = TinyShapes.batch(count: 256, seed: 2)
    static let options = EvaluatorTrainingOptions(steps: 600, learningRate: 1e-2, warmupSteps: 20, seed: 3)
    static let batchSize = 32

    static let evaluator: ImageEvaluator = try! ImageEvaluator.train(
        configuration: TinyShapes.configuration, options: options,
        nextBatch: { TinyShapes.batch(count: batchSize, seed: 1_000 + UInt64($0)) })
}
