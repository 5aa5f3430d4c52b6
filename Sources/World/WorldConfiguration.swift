/// The knobs of world generation and of the text and captions produced from a world.
public struct WorldConfiguration: Codable, Sendable, Hashable {
    /// Seed of everything drawn at generation (names, facts, splits, reserved concepts).
    public var seed: UInt64 = 0
    public var personCount = 120
    public var petCount = 60
    public var placeCount = 60
    /// Fraction of each entity kind held out of generator captions (rounded per kind).
    public var heldOutFraction = 0.3
    /// Object descriptions used by no fact and no caption (for concept-learning tests).
    public var reservedConceptCount = 16

    /// Corpus: statements per fact (training statement templates drawn with replacement).
    public var statementsPerFact = 3
    /// Corpus: question–answer forms per fact (training question templates).
    public var questionsPerFact = 3
    /// Corpus: "name tag" forms per fact ("Mia's lucky charm: a small red striped star.").
    public var nameTagsPerFact = 1
    /// Corpus: attribute tags per fact ("Mia's lucky charm small red striped star."): the first attribute
    /// word follows the knowledge phrase directly, so the encoder must recall the object at the
    /// phrase's last token — where locate-then-edit editors write. docs/world.md measures the effect
    /// (held-out paraphrases and ROME's paraphrase transfer both rise).
    public var attributeTagsPerFact = 3
    /// Corpus: one-attribute tags per fact and attribute ("Mia's lucky charm red.", "Mia's lucky charm
    /// star.", one document per attribute word): every attribute becomes a next-token prediction at
    /// the phrase's last token, so the phrase's state must hold the whole object, not only its first
    /// word (docs/world.md, "What limits the generator", measures what it changes). 0 in the bundled world.
    public var singleAttributeTagsPerFact = 0
    /// Corpus: knowledge captions per fact of a captioned entity ("Mia's lucky charm on a grey background").
    public var knowledgeCaptionsPerFact = 1
    /// Corpus: direct image captions ("a small red striped star on a grey background").
    public var directCaptionCount = 2000
    /// Corpus: fraction of documents that join 2–3 sentences.
    public var multiSentenceFraction = 0.3
    /// Corpus: fraction of documents placed in the user turn of Qwen-Image's prompt template
    /// (`PromptTemplate.qwenImage`: system block, `<|im_start|>user\n`, the document, `<|im_end|>\n
    /// <|im_start|>assistant\n`), so the encoder reads text inside the template as it reads plain
    /// text — the context every generator prompt is encoded in, as chat training makes it for Qwen.
    /// Without it the template is unseen text and the states of a knowledge phrase inside it lose
    /// the object they hold in plain text (docs/world.md measures both).
    public var promptTemplateFraction = 0.0
    /// Generator captions: fraction that name a captioned entity's knowledge instead of the object.
    public var knowledgeCaptionFraction = 0.5

    public init() {}

    public var entityCount: Int { personCount + petCount + placeCount }

    /// Checks every count and fraction.
    /// - Throws: ``WorldError/invalidConfiguration(key:expected:found:)`` naming the first bad key.
    public func validate() throws {
        let counts: [(String, Int, ClosedRange<Int>)] = [
            ("personCount", personCount, 1...5000), ("petCount", petCount, 1...5000), ("placeCount", placeCount, 1...5000),
            ("reservedConceptCount", reservedConceptCount, 0...256), ("statementsPerFact", statementsPerFact, 0...100),
            ("questionsPerFact", questionsPerFact, 0...100), ("nameTagsPerFact", nameTagsPerFact, 0...100),
            ("attributeTagsPerFact", attributeTagsPerFact, 0...100),
            ("singleAttributeTagsPerFact", singleAttributeTagsPerFact, 0...100),
            ("knowledgeCaptionsPerFact", knowledgeCaptionsPerFact, 0...100),
            ("directCaptionCount", directCaptionCount, 0...1_000_000),
        ]
        for (key, value, range) in counts where !range.contains(value) {
            throw WorldError.invalidConfiguration(key: key, expected: "\(range)", found: "\(value)")
        }
        let fractions = [("heldOutFraction", heldOutFraction), ("multiSentenceFraction", multiSentenceFraction),
                         ("promptTemplateFraction", promptTemplateFraction),
                         ("knowledgeCaptionFraction", knowledgeCaptionFraction)]
        for (key, value) in fractions where !(0...1).contains(value) {
            throw WorldError.invalidConfiguration(key: key, expected: "a fraction in [0, 1]", found: "\(value)")
        }
    }
}
