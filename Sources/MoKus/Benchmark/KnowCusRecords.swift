/// What identifies a benchmark run: two shards can be merged only when these are equal.
public struct KnowCusRunInfo: Codable, Sendable, Equatable {
    public struct Concept: Codable, Sendable, Equatable {
        public var name: String
        public var anchor: String
        public var images: Int
        public var exactMasks: Bool
        public var knowledge: [KnowCusStatement]
        public var prompts: [KnowCusPrompt]
        /// The stage-1 LoRA file used instead of learning (its last three path components); nil: learnt.
        public var visualCheckpoint: String? = nil
        /// The data files' keys the reader kept unused (path → JSON text); nil when none.
        public var unknownKeys: [String: String]? = nil
    }

    public var suite: String
    public var concepts: [Concept]
    /// Row names in order: the anchor reference first, then the methods.
    public var methods: [String]
    public var seeds: [UInt64]
    public var guidance: Float
    public var samplingSteps: Int
    public var loraSteps: Int
    public var loraLearningRate: Float
    public var loraRank: Int
    public var encoderTuningSteps: Int
    public var encoderTuningLearningRate: Float
    public var queryTemplate: String
    public var chatTemplate: String
    /// The η ablation's rows: method name → UltraEdit's learning rate η; nil without one.
    public var eta: [String: Double]? = nil
}

/// The scores of one phrase in one prompt under one method: one value per seed.
public struct KnowCusRecord: Codable, Sendable, Equatable {
    public var method: String
    public var concept: Int
    /// nil: the anchor (the reference row).
    public var statement: Int?
    public var prompt: Int
    public var kind: KnowCusPromptKind
    /// The drawn text ("my lucky charm on a maroon background").
    public var text: String
    /// nil (with every score): the run had no evaluator.
    public var similarity: [Double]?
    public var segmentedSimilarity: [Double]?
    /// nil: the prompt has no expected attributes (a suite without attribute labels).
    public var alignment: [Double]?
    public var attributeAccuracy: [Double]?
}

/// How long a method took for one knowledge item (the reference: the anchor LoRA, per concept).
public struct KnowCusTiming: Codable, Sendable, Equatable {
    public var method: String
    public var concept: Int
    public var statement: Int?
    public var seconds: Double
}

/// What one shard writes (`shard-<i>-of-<n>.json`): its units' records and timings.
public struct KnowCusShardResult: Codable, Sendable, Equatable {
    public var info: KnowCusRunInfo
    public var shard: KnowCusShard
    public var units: [KnowCusUnit]
    public var records: [KnowCusRecord]
    public var timings: [KnowCusTiming]
}

/// What a run of a shard gives: its result (written as the shard file) and its first-seed images.
public struct KnowCusShardOutput {
    public var result: KnowCusShardResult
    public var images: KnowCusImages
}
