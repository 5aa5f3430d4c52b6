import Foundation
import KnowledgeEditing
import TextEncoders
import Training

/// A way to make the generator draw a concept when prompted with a knowledge statement (the
/// paper's Table 1 rows). The anchor-only DreamBooth reference runs beside every method, once per
/// concept (``KnowCusUnit``).
public enum KnowCusMethod {
    /// MoKus: the concept's anchor LoRA, and the encoder edited so the statement's query answers the
    /// anchor (one edit, ``KnowledgeUpdate``) by the editor `make` builds for a freshly loaded
    /// encoder (an hparams file; `name` is its `alg_name`). Timed: the edit. `eta`: a row of the η
    /// ablation (UltraEdit at learning rate η, ``KnowCusRunInfo/eta``).
    case mokus(name: String, eta: Double? = nil, make: (TransformerTextEncoder) throws -> any KnowledgeEditor)
    /// Naive-DB: one DreamBooth LoRA per statement, learnt from the concept images with the
    /// statement as the prompt (the anchor's settings); the encoder unedited. Timed: the learning.
    case naiveDreamBooth
    /// Enc-FT: the concept's anchor LoRA, and every encoder weight fine-tuned on the one text
    /// "query + target" (the MoKus query with the anchor as answer, "What is my lucky charm? sks
    /// heart") by next-token cross-entropy (``Training/CausalLanguageModelObjective``), AdamW with
    /// ``KnowCusSettings/encoderTuning``. Timed: the fine-tuning.
    case encoderFineTuning

    /// The reference row's name: DreamBooth on the anchor prompt, drawn with the anchor.
    public static let anchorReference = "DB (anchor)"

    /// The row name in reports: "MoKus (UltraEdit)", "MoKus (UltraEdit, η 0.001)", "Naive-DB", "Enc-FT".
    public var name: String {
        switch self {
        case .mokus(let name, let eta?, _): "MoKus (\(name), η \(String(format: "%g", eta)))"
        case .mokus(let name, nil, _): "MoKus (\(name))"
        case .naiveDreamBooth: "Naive-DB"
        case .encoderFineTuning: "Enc-FT"
        }
    }
}

/// The settings every method shares, and those of each baseline.
public struct KnowCusSettings: Sendable {
    /// Stage 1 for the anchor LoRA and for each Naive-DB LoRA (the prompt is replaced).
    public var learning: ConceptLearningSettings
    /// Enc-FT's optimiser (batch 1: the one text).
    public var encoderTuning: TrainingConfiguration
    public var query: KnowledgeQuery
    /// One image per seed and prompt.
    public var seeds: [UInt64]
    /// True classifier-free guidance (as `mokus generate --guidance`).
    public var guidance: Float
    /// Denoising steps; nil: the pipeline's.
    public var samplingSteps: Int?

    public init(
        learning: ConceptLearningSettings, encoderTuning: TrainingConfiguration, query: KnowledgeQuery, seeds: [UInt64],
        guidance: Float = 4, samplingSteps: Int? = nil
    ) {
        (self.learning, self.encoderTuning, self.query, self.seeds) = (learning, encoderTuning, query, seeds)
        (self.guidance, self.samplingSteps) = (guidance, samplingSteps)
    }
}
