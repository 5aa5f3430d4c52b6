import Foundation
import Tensors

// Supervised training of an evaluator: summed per-attribute cross-entropy, AdamW, batches from a
// caller's closure (so a renderer can draw images on the fly).

/// Hyperparameters of ``ImageEvaluator/train(configuration:options:nextBatch:progress:)``.
public struct EvaluatorTrainingOptions: Sendable, Equatable {
    /// Number of optimisation steps (one batch each).
    public var steps: Int
    /// Peak AdamW learning rate (linear warmup, then cosine decay to 0).
    public var learningRate: Float
    /// Warmup steps of the schedule (at most ``steps`` are used).
    public var warmupSteps: Int
    /// AdamW's decoupled weight decay λ.
    public var weightDecay: Float
    /// Seed of the initial parameters.
    public var seed: UInt64

    public init(steps: Int, learningRate: Float = 3e-3, warmupSteps: Int = 20, weightDecay: Float = 0.01, seed: UInt64 = 0) {
        self.steps = steps
        self.learningRate = learningRate
        self.warmupSteps = warmupSteps
        self.weightDecay = weightDecay
        self.seed = seed
    }

    /// - Throws: ``EvaluatorError/invalidConfiguration(field:expected:found:)`` for negative step
    ///   counts, a learning rate that is not positive and finite, or a negative weight decay.
    func validate() throws {
        func fail(_ field: String, _ expected: String, _ found: Any) -> EvaluatorError {
            .invalidConfiguration(field: field, expected: expected, found: "\(found)")
        }
        guard steps >= 0 else { throw fail("steps", "a count ≥ 0", steps) }
        guard warmupSteps >= 0 else { throw fail("warmupSteps", "a count ≥ 0", warmupSteps) }
        guard learningRate > 0, learningRate.isFinite else { throw fail("learningRate", "a positive number", learningRate) }
        guard weightDecay >= 0, weightDecay.isFinite else { throw fail("weightDecay", "a number ≥ 0", weightDecay) }
    }
}

/// One report of the training loop, after each step.
public struct EvaluatorTrainingProgress: Sendable {
    /// Steps done so far (1 after the first).
    public let step: Int
    public let totalSteps: Int
    /// The summed cross-entropy of this step's batch (before its update).
    public let loss: Float
    /// Training throughput since the start, images per second of wall-clock time.
    public let imagesPerSecond: Double
}

extension ImageEvaluator {
    /// Trains a new evaluator from seeded initial parameters.
    ///
    /// Each step takes `nextBatch(step)` (0-based), minimises L = Σₐ CE(zₐ, yₐ) (each cross-entropy
    /// averaged over the batch) with AdamW under a warmup-cosine schedule, and reports progress.
    /// The caller's closure decides the data order and any augmentation; with a deterministic
    /// closure (see ``LabelledDataset/batch(at:size:seed:)``) the result is bit-reproducible on
    /// one machine.
    ///
    /// - Throws: the batch errors of ``ImageEvaluator/predict(_:)`` and ``LabelledBatch``,
    ///   ``EvaluatorError/nonFiniteLoss(step:loss:)``, and whatever `nextBatch` throws.
    public static func train(
        configuration: EvaluatorConfiguration, options: EvaluatorTrainingOptions,
        nextBatch: (_ step: Int) throws -> LabelledBatch,
        progress: (EvaluatorTrainingProgress) -> Void = { _ in }
    ) throws -> ImageEvaluator {
        try options.validate()
        let initial = ImageEvaluator(configuration: configuration, seed: options.seed)
        var values = initial.parameters
        var optimizer = AdamW(
            schedule: .warmupCosine(
                peak: options.learningRate, warmupSteps: Swift.min(options.warmupSteps, options.steps),
                totalSteps: Swift.max(1, options.steps)),
            weightDecay: options.weightDecay)
        let start = ContinuousClock.now
        var images = 0
        for step in 0..<options.steps {
            let batch = try nextBatch(step)
            try initial.validate(batch.images)
            let labels = try batch.labelsByAttribute(schema: configuration.schema)
            let tape = Tape()
            let tracked = values.map { tape.variable($0) }
            let loss = initial.network.loss(batch.images, labels: labels, tracked)
            guard loss.item.isFinite else { throw EvaluatorError.nonFiniteLoss(step: step, loss: loss.item) }
            let gradients = tape.gradients(of: loss, withRespectTo: tracked)
            optimizer.step(parameters: &values, gradients: gradients)
            images += batch.images.shape[0]
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            progress(EvaluatorTrainingProgress(
                step: step + 1, totalSteps: options.steps, loss: loss.item,
                imagesPerSecond: seconds > 0 ? Double(images) / seconds : 0))
        }
        return ImageEvaluator(configuration: configuration, parameters: values)
    }
}
