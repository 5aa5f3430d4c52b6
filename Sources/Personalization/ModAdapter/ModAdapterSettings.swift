import Training

/// The settings of Mod-Adapter's network and its two training stages
/// (``ModAdapterTraining``). Defaults are the small budgets measured on the bundled world
/// (docs/personalization.md).
public struct ModAdapterSettings: Sendable {
    /// k-means routing (the method), or the learned-gate / single-expert ablations.
    public var routing = ModAdapterRouting.kmeans
    /// K: experts (k-means clusters).
    public var experts = 4
    /// Predict Δ_ℓ per block (N = the generator's blocks) instead of one Δ.
    public var perBlock = false
    public var attentionWidth = 64
    public var hiddenWidth = 128
    /// The neutral caption of a concept word.
    public var neutralTemplate = "a {word}"
    /// Training concept images (the world's non-reserved objects on drawn backgrounds).
    public var trainingImages = 64
    /// Draws the training scenes, the k-means seeding and the network's initial values.
    public var seed: UInt64 = 0
    /// Stage 1, alignment with the captions' modulation-space targets (no generator forward).
    public var pretraining = TrainingConfiguration(
        steps: 300, batchSize: 8, learningRate: 3e-3, warmupSteps: 0, minimumLearningRate: 3e-3, weightDecay: 0,
        maxGradientNorm: 1, seed: 0, checkpointEvery: 100)
    /// Stage 2, the diffusion loss through the frozen generator.
    public var training = TrainingConfiguration(
        steps: 200, batchSize: 4, learningRate: 1e-3, warmupSteps: 0, minimumLearningRate: 1e-3, weightDecay: 0,
        maxGradientNorm: 1, seed: 0, checkpointEvery: 50)
    public var timestepSampling = TimestepSampling.uniform

    public init() {}
}
