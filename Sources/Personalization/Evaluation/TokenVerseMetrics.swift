/// What `tokenverse eval` measures (`metrics.json`, snake_case keys).
public struct TokenVerseMetrics: Codable, Sendable {
    /// The two states every prompt is drawn in: the plain prompt, and with the concepts' Δ (named
    /// by the method: `tokenverse`, `modadapter`).
    public var states: [String] { ["base", method] }

    /// One concept image and its learning run.
    public struct Concept: Codable, Sendable {
        public var caption: String
        public var words: [String]
        public var firstLoss: Double
        public var meanLossLast20: Double
        public var seconds: Double

        /// A concept with its learning run's losses (none for a tuning-free method).
        init(caption: String, words: [String], losses: [Float], seconds: Double) {
            self.caption = caption
            self.words = words
            firstLoss = Double(losses.first ?? 0)
            meanLossLast20 = losses.suffix(20).reduce(0) { $0 + Double($1) } / Double(max(1, min(20, losses.count)))
            self.seconds = seconds
        }
    }

    /// How the method learned its Δ: per image (TokenVerse) or once, before any test image (Mod-Adapter).
    public struct Learning: Codable, Sendable {
        public var steps: Int
        public var learningRate: Double
        public var batchSize: Int
        public var perBlock: Bool
        public var isolationProbability: Double
        public var isolationImages: Int
        /// "per-image tuning", or the tuning-free adapter's variant.
        public var variant: String

        public init(
            steps: Int, learningRate: Double, batchSize: Int, perBlock: Bool, isolationProbability: Double, isolationImages: Int,
            variant: String
        ) {
            (self.steps, self.learningRate, self.batchSize, self.perBlock) = (steps, learningRate, batchSize, perBlock)
            (self.isolationProbability, self.isolationImages, self.variant) = (isolationProbability, isolationImages, variant)
        }
    }

    /// One prompt's scores per state.
    public struct Case: Codable, Sendable {
        public var group: String
        public var kind: String
        public var prompt: String
        /// "concept i: words" per composed concept.
        public var sources: [String]
        public var concept: [String: String]
        public var other: [String: String]
        public var scores: [String: TokenVerseScores]
    }

    /// Aggregates of one state.
    public struct Summary: Codable, Sendable {
        public var single: TokenVerseScores
        public var singleByKind: [String: TokenVerseScores]
        /// multi-2 and multi-3: `concept_correct` is the composition success (every composed attribute right).
        public var multi2: TokenVerseScores
        public var multi3: TokenVerseScores
    }

    /// The modulated state's name.
    public var method: String
    public var conceptCount: Int
    public var seeds: [UInt64]
    public var learning: Learning
    public var samplingSteps: Int
    public var guidance: Double
    public var concepts: [Concept]
    public var cases: [Case]
    public var summary: [String: Summary]
    /// Seconds of sampling per state (the same prompts and seeds), the relative time Δ adds, and
    /// the seconds spent building the modulations (tokenising the words).
    public var samplingSeconds: [String: Double]
    public var modulationOverhead: Double
    /// The same in process CPU seconds (all threads), and the overhead they give.
    public var samplingCPUSeconds: [String: Double]
    public var modulationCPUOverhead: Double
    public var modulationSetupSeconds: Double
    public var seconds: Double
}
