import Evaluator
import Tensors

/// The evaluator every scoring test shares, trained once (on first use) on ``TinyShapes`` images,
/// and the held-out images it is judged on.
enum TrainedEvaluator {
    static let trainingSet = LabelledDataset(TinyShapes.batch(count: 1024, seed: 1))
    static let heldOut = TinyShapes.batch(count: 256, seed: 2)
    static let options = EvaluatorTrainingOptions(steps: 300, learningRate: 1e-2, warmupSteps: 20, seed: 3)
    static let batchSize = 32

    static let evaluator: ImageEvaluator = try! ImageEvaluator.train(
        configuration: TinyShapes.configuration, options: options,
        nextBatch: { trainingSet.batch(at: $0, size: batchSize, seed: 4) },
        progress: { if $0.step % 25 == 0 { print($0.step, $0.loss, $0.imagesPerSecond) } })
}
