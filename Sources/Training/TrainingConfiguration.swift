import Foundation
import Tensors

/// The hyperparameters of a ``Trainer`` run: AdamW with a linear warmup and a cosine decay
/// (``WarmupCosineSchedule``), global-norm gradient clipping, seeded data order and periodic
/// checkpoints. Defaults follow transformers' `TrainingArguments` where it has one
/// (β₁ 0.9, β₂ 0.999, ε 1e-8, max_grad_norm 1).
public struct TrainingConfiguration: Codable, Sendable, Equatable {
    /// Optimisation steps in the whole run (a resumed run continues up to this number).
    public var steps: Int
    /// Examples per step.
    public var batchSize: Int
    /// Peak learning rate, reached after ``warmupSteps``.
    public var learningRate: Float
    public var warmupSteps: Int
    /// The rate the cosine ends at after ``steps``.
    public var minimumLearningRate: Float
    /// AdamW's decoupled weight decay λ.
    public var weightDecay: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    /// Gradients are rescaled so that their joint L2 norm is at most this.
    public var maxGradientNorm: Float
    /// Seeds the data order (and, in recipes, the initial weights).
    public var seed: UInt64
    /// A checkpoint is written after every this many steps (0: none).
    public var checkpointEvery: Int
    /// How many checkpoints are kept (the newest ones).
    public var keepCheckpoints: Int
    /// The decay of an exponential moving average of the parameters kept beside them (nil: none);
    /// see ``ParameterAverage``.
    public var emaDecay: Float?

    public init(
        steps: Int, batchSize: Int, learningRate: Float, warmupSteps: Int = 0, minimumLearningRate: Float = 0,
        weightDecay: Float = 0.01, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
        maxGradientNorm: Float = 1, seed: UInt64 = 0, checkpointEvery: Int = 0, keepCheckpoints: Int = 2,
        emaDecay: Float? = nil
    ) {
        self.steps = steps
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.warmupSteps = warmupSteps
        self.minimumLearningRate = minimumLearningRate
        self.weightDecay = weightDecay
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.maxGradientNorm = maxGradientNorm
        self.seed = seed
        self.checkpointEvery = checkpointEvery
        self.keepCheckpoints = keepCheckpoints
        self.emaDecay = emaDecay
    }

    /// Checks every range the optimizer and schedule require.
    /// - Throws: ``TrainingError/invalidConfiguration(key:reason:)`` naming the first bad key.
    public func validate() throws {
        func require(_ condition: Bool, _ key: String, _ reason: String) throws {
            if !condition { throw TrainingError.invalidConfiguration(key: key, reason: reason) }
        }
        try require(steps > 0, "steps", "expected a positive number, found \(steps)")
        try require(batchSize > 0, "batchSize", "expected a positive number, found \(batchSize)")
        try require(learningRate.isFinite && learningRate >= 0, "learningRate", "expected ≥ 0, found \(learningRate)")
        try require((0...steps).contains(warmupSteps), "warmupSteps", "expected 0…\(steps), found \(warmupSteps)")
        try require(
            (0...learningRate).contains(minimumLearningRate), "minimumLearningRate",
            "expected 0…\(learningRate), found \(minimumLearningRate)")
        try require(weightDecay >= 0, "weightDecay", "expected ≥ 0, found \(weightDecay)")
        try require(
            (0..<1).contains(beta1) && (0..<1).contains(beta2), "beta1/beta2",
            "expected values in [0, 1), found \(beta1), \(beta2)")
        try require(epsilon >= 0, "epsilon", "expected ≥ 0, found \(epsilon)")
        try require(maxGradientNorm > 0, "maxGradientNorm", "expected a positive number, found \(maxGradientNorm)")
        try require(checkpointEvery >= 0, "checkpointEvery", "expected ≥ 0, found \(checkpointEvery)")
        try require(keepCheckpoints >= 1, "keepCheckpoints", "expected ≥ 1, found \(keepCheckpoints)")
        if let emaDecay { try require((0..<1).contains(emaDecay), "emaDecay", "expected a value in [0, 1), found \(emaDecay)") }
    }

    /// The learning-rate schedule: warmup to ``learningRate``, cosine down to ``minimumLearningRate``.
    public var schedule: WarmupCosineSchedule {
        WarmupCosineSchedule(
            peak: learningRate, warmupSteps: warmupSteps, totalSteps: steps, minimum: minimumLearningRate)
    }

    /// The values that decide the trajectory, as sorted-key JSON (checkpoint frequency and retention
    /// are left out: changing them does not change the weights; a nil ``emaDecay`` writes no key,
    /// so runs without an average keep the identity they had before it existed).
    var trajectoryJSON: Data {
        var copy = self
        copy.checkpointEvery = 0
        copy.keepCheckpoints = 1
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain numbers cannot fail.
        return (try? encoder.encode(copy)) ?? Data()
    }
}
