/// One fact to write into the model, with EasyEdit's fields.
///
/// `prompt` asks for the fact ("The Eiffel Tower is located in"), `target_new` is the new answer
/// ("Rome"), `subject` names the entity inside the prompt ("The Eiffel Tower"; required by ROME,
/// MEMIT and AlphaEdit, which read keys at the subject's last token). Rephrases, locality and
/// portability prompts are only used for evaluation.
public struct EditRequest: Sendable, Equatable, Codable {
    public var prompt: String
    public var targetNew: String
    public var subject: String?
    public var groundTruth: String?
    public var rephrasePrompts: [String]
    /// Prompts whose answers must not change, by set name (EasyEdit `locality`).
    public var locality: [String: [PromptAnswer]]
    /// Prompts whose answers should follow from the edit, by set name (EasyEdit `portability`).
    public var portability: [String: [PromptAnswer]]

    public init(prompt: String, targetNew: String, subject: String? = nil, groundTruth: String? = nil,
                rephrasePrompts: [String] = [], locality: [String: [PromptAnswer]] = [:],
                portability: [String: [PromptAnswer]] = [:]) {
        self.prompt = prompt
        self.targetNew = targetNew
        self.subject = subject
        self.groundTruth = groundTruth
        self.rephrasePrompts = rephrasePrompts
        self.locality = locality
        self.portability = portability
    }

    enum CodingKeys: String, CodingKey {
        case prompt, subject, locality, portability
        case targetNew = "target_new"
        case groundTruth = "ground_truth"
        case rephrasePrompts = "rephrase_prompts"
    }
}

/// A prompt and its expected answer (locality and portability checks).
public struct PromptAnswer: Sendable, Equatable, Codable {
    public var prompt: String
    public var answer: String

    public init(prompt: String, answer: String) {
        self.prompt = prompt
        self.answer = answer
    }
}
