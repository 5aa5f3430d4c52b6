import Generators
import Tensors

/// The text the world produces: the encoder pretraining corpus and the evaluation questions.
///
/// Corpus forms of a fact (K = knowledge phrase, O = object phrase):
/// - statements, training statement templates: "Mia's lucky charm is a small red striped star.";
/// - name tags: "Mia's lucky charm: a small red striped star.";
/// - attribute tags: "Mia's lucky charm small red striped star." (the object recalled at the
///   phrase's last token);
/// - question–answer, training question templates: "What is Mia's lucky charm? a small red striped
///   star." — the answer follows the question after one space, exactly as ``QuestionItem/target``;
/// - knowledge captions, captioned entities only: "Mia's lucky charm on a grey background".
/// Plus direct captions of non-reserved objects: "a small red striped star on a grey background".
/// Held-out templates never appear. A fraction of the documents is wrapped in Qwen-Image's prompt
/// template (``WorldConfiguration/promptTemplateFraction``).
extension World {
    /// The text-encoder pretraining corpus: one document per element. All sentences are shuffled
    /// (seeded by `seed`), then grouped: with probability `multiSentenceFraction` a document joins
    /// the next 2–3 sentences with spaces, otherwise it is one sentence; with probability
    /// `promptTemplateFraction` the document is then placed in Qwen-Image's prompt template.
    public func corpus(seed: UInt64 = 0) -> [String] {
        var random = RandomGenerator(seed: seed)
        let config = configuration
        let statements = templates.trainingStatements, questions = templates.trainingQuestions
        var sentences: [String] = []
        for fact in facts {
            for _ in 0..<(statements.isEmpty ? 0 : config.statementsPerFact) {
                sentences.append(Templates.fill(statements[random.nextInt(in: 0..<statements.count)], fact: fact))
            }
            for _ in 0..<config.nameTagsPerFact { sentences.append(nameTag(fact)) }
            for _ in 0..<config.attributeTagsPerFact { sentences.append(attributeTag(fact)) }
            for _ in 0..<config.singleAttributeTagsPerFact { sentences += singleAttributeTags(fact) }
            for _ in 0..<(questions.isEmpty ? 0 : config.questionsPerFact) {
                let question = Templates.ask(questions[random.nextInt(in: 0..<questions.count)], fact: fact)
                sentences.append("\(question) \(fact.object.phrase).")
            }
            if isCaptioned(fact.entity) {
                for _ in 0..<config.knowledgeCaptionsPerFact {
                    sentences.append(knowledgeCaption(fact, background: randomBackground(&random)))
                }
            }
        }
        let objects = answerObjects
        for _ in 0..<config.directCaptionCount {
            let object = objects[random.nextInt(in: 0..<objects.count)]
            sentences.append(Scene(object: object, background: randomBackground(&random)).caption)
        }

        let order = random.permutation(sentences.count)
        var documents: [String] = []
        var position = 0
        while position < order.count {
            let length = random.nextUnitDouble() < config.multiSentenceFraction ? random.nextInt(in: 2..<4) : 1
            let end = min(position + length, order.count)
            let document = order[position..<end].map { sentences[$0] }.joined(separator: " ")
            let templated = config.promptTemplateFraction > 0 && random.nextUnitDouble() < config.promptTemplateFraction
            documents.append(templated ? PromptTemplate.qwenImage.filled(with: document) : document)
            position = end
        }
        return documents
    }

    /// "Mia's lucky charm: a small red striped star."
    public func nameTag(_ fact: Fact) -> String {
        Templates.capitalised("\(fact.knowledgePhrase): \(fact.object.phrase).")
    }

    /// "Mia's lucky charm small red striped star."
    public func attributeTag(_ fact: Fact) -> String {
        Templates.capitalised("\(fact.knowledgePhrase) \(fact.object.attributeWords).")
    }

    /// "Mia's lucky charm small.", "Mia's lucky charm red.", "Mia's lucky charm striped.", "Mia's lucky
    /// charm star.": one sentence per attribute word.
    public func singleAttributeTags(_ fact: Fact) -> [String] {
        fact.object.attributeWords.split(separator: " ").map { Templates.capitalised("\(fact.knowledgePhrase) \($0).") }
    }

    /// "Mia's lucky charm on a grey background" (the caption of a captioned entity's knowledge).
    public func knowledgeCaption(_ fact: Fact, background: Background) -> String {
        "\(fact.knowledgePhrase) \(background.phrase)"
    }

    /// One question per fact with the first training question template ("What is {}?").
    public func factQuestions() -> [QuestionItem] {
        guard let template = templates.trainingQuestions.first else { return [] }
        return facts.map { QuestionItem(fact: $0, template: template) }
    }

    /// One question per fact with a held-out paraphrase template (the templates in turn, fact by
    /// fact), never seen in the corpus.
    public func paraphraseQuestions() -> [QuestionItem] {
        let held = templates.heldOutQuestions
        guard !held.isEmpty else { return [] }
        return facts.enumerated().map { QuestionItem(fact: $1, template: held[$0 % held.count]) }
    }

    func randomBackground(_ random: inout RandomGenerator) -> Background {
        Background.allCases[random.nextInt(in: 0..<Background.allCases.count)]
    }
}

/// A question about one fact: the greedy continuation of `prompt` should start with `target`.
public struct QuestionItem: Codable, Sendable, Hashable {
    /// "What is Mia's lucky charm?"
    public var prompt: String
    /// The entity's name: "Mia".
    public var subject: String
    /// The answer with its leading space: " a small red striped star".
    public var target: String
    /// The question template used ("What is {}?").
    public var template: String
    public var fact: Fact

    public init(fact: Fact, template: String) {
        self.prompt = Templates.ask(template, fact: fact)
        self.subject = fact.entity
        self.target = " " + fact.object.phrase
        self.template = template
        self.fact = fact
    }
}
