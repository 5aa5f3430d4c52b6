import ModelInterfaces

/// The settings of ``TokenVerseEvaluation``.
public struct TokenVerseEvaluationSettings: Sendable {
    /// Concept images (the world's first reserved concepts), 3...16.
    public var conceptCount = 4
    /// Noise seeds per prompt (0..<seeds).
    public var seeds = 4
    /// Base images per concept for the isolation loss (0 turns it off).
    public var isolationImages = 8
    /// Draws the concept images' backgrounds, the cases' other attributes and the base captions.
    public var seed: UInt64 = 0
    /// How every concept is learned (its caption and words are set per concept image).
    public var learning = TokenVerseSettings(caption: "", words: [])
    /// Size, denoising steps and guidance of every image (the seed is per image).
    public var generation: GenerationSettings
    /// The negative prompt for guidance (the pipeline's), or nil.
    public var negativePrompt: String?

    public init(generation: GenerationSettings, negativePrompt: String?) {
        self.generation = generation
        self.negativePrompt = negativePrompt
    }
}
