import Foundation

/// The generator states a customisation report draws every phrase in.
public enum CustomizationState: String, Sendable, Codable, CaseIterable {
    /// The pipeline as given: no LoRA, the unedited text encoder ("before").
    case base
    /// Stage 1 only: the LoRA, the unedited text encoder.
    case concept
    /// Both stages: the LoRA and the edited text encoder ("after"; what `--out` generates).
    case customized
}

/// What `metrics.json` of a customisation holds (written with snake_case keys).
public struct CustomizationMetrics: Sendable, Codable {
    /// Mean scores of one phrase in one prompt and state, over the seeds.
    public struct Scores: Sendable, Codable, Equatable {
        /// Mean similarity to the concept images; nil without a scorer.
        public var similarity: Double?
        /// Fraction of images showing every requested context attribute; nil without a scorer or
        /// when the prompt requests none.
        public var contextAccuracy: Double?
    }

    /// One phrase in one prompt.
    public struct Cell: Sendable, Codable {
        public var phrase: String
        /// "anchor" or "knowledge".
        public var kind: String
        public var prompt: String
        /// The prompt with the phrase in it.
        public var text: String
        /// What the prompt's context asks for (the scorer's reading; empty for none).
        public var requestedAttributes: [String: String]
        /// Keyed by ``CustomizationState`` raw value.
        public var scores: [String: Scores]
    }

    /// Stage 1 (the LoRA).
    public struct Stage1: Sendable, Codable {
        /// "learned" or the LoRA file reused.
        public var source: String
        public var steps: Int?
        public var finalLoss: Double?
        public var seconds: Double
        /// The anchor's images (prompts without a requested context) with and without the LoRA.
        public var similarityWithLora: Double?
        public var similarityWithoutLora: Double?
    }

    /// Stage 2 (the knowledge update) and the acceptance figures computed from the customised images.
    public struct Stage2: Sendable, Codable {
        public var update: KnowledgeUpdateReport
        public var seconds: Double
        /// Edit wall time per knowledge statement (the bar is ≤ 1 s on the world).
        public var secondsPerItem: Double
        /// Customised images, prompts without a requested context: the anchor's and the knowledge
        /// phrases' mean similarity, and anchor − knowledge (the bar is ≤ 0.05).
        public var anchorSimilarity: Double?
        public var knowledgeSimilarity: Double?
        public var similarityGap: Double?
        /// The same knowledge phrases with the LoRA but the unedited encoder (what stage 2 adds).
        public var knowledgeSimilarityUnedited: Double?
        /// Customised images of the knowledge phrases in prompts with a context: the fraction
        /// showing the requested attributes (the bar is ≥ 0.8), and the anchor's for comparison.
        public var knowledgeContextAccuracy: Double?
        public var anchorContextAccuracy: Double?
    }

    public var concept: String
    public var anchor: String
    public var knowledge: [String]
    public var editor: String
    public var prompts: [String]
    public var seeds: [UInt64]
    public var guidance: Double
    public var samplingSteps: Int
    public var stage1: Stage1
    public var stage2: Stage2
    public var cells: [Cell]
    /// Wall seconds: "stage1", "stage2", "images", "total".
    public var seconds: [String: Double]

    /// `metrics.json`'s bytes: pretty-printed, sorted, snake_case keys.
    public func json() throws -> Data { try ReportImages.json(self) }
}
