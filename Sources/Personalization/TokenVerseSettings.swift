import Training

/// The settings of ``TokenVerse/learn(generator:baseFingerprint:prompts:image:isolation:settings:progress:)``.
/// Defaults were measured on the bundled world (docs/personalization.md): AdamW at 1e-2, no weight
/// decay, clipping at 1, constant rate, batch 4 (copies of the one image under different noise),
/// 200 steps, seed 0; σ uniform; the isolation loss in half the steps with weight 1 (TokenVerse's
/// 50 %).
public struct TokenVerseSettings: Sendable {
    /// The concept image's caption, which holds every concept word.
    public var caption: String
    /// The words a Δ is learned for, each a whole word of the caption.
    public var words: [String]
    /// Learn Δ_ℓ per block beside the shared Δ.
    public var perBlock = false
    /// p_iso: the fraction of steps that add the concept-isolation loss (0 turns it off).
    public var isolationProbability: Float = 0.5
    /// λ: the isolation loss's weight.
    public var isolationWeight: Float = 1
    /// The merged caption of an isolation pair, `{left}` the concept caption and `{right}` the base
    /// image's. TokenVerse's wording ("A picture divided into two parts. The left part is … The right
    /// part is …") does not fit the world encoder's 128-token context inside Qwen-Image's template.
    public var isolationTemplate = "{left}, {right}"
    public var timestepSampling = TimestepSampling.uniform
    /// Steps, batch, AdamW, clipping and seed (noise, σ, isolation draws).
    public var training = TrainingConfiguration(
        steps: 200, batchSize: 4, learningRate: 1e-2, warmupSteps: 0, minimumLearningRate: 1e-2, weightDecay: 0,
        maxGradientNorm: 1, seed: 0, checkpointEvery: 1_000_000)

    public init(caption: String, words: [String]) {
        self.caption = caption
        self.words = words
    }
}

/// What a TokenVerse run returns.
public struct TokenVerseResult: Sendable {
    public var modulations: ConceptModulationSet
    /// Per-step losses.
    public var losses: [Float]
    /// Wall time of the optimisation, and of the whole call (encoding, base images included).
    public var trainingSeconds: Double
    public var seconds: Double
}
