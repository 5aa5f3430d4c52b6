/// The sentence and question templates that turn facts into text, split into the forms the
/// corpus uses (training) and paraphrases kept out of every corpus (held out, for evaluation).
///
/// Question templates hold one `{}` (the knowledge phrase: "What is {}?"). Statement templates hold
/// `{k}` (the knowledge phrase) and `{o}` (the object phrase: "{k} is {o}."). Filled sentences
/// start with a capital letter.
public struct Templates: Codable, Sendable, Hashable {
    public var trainingQuestions: [String]
    public var heldOutQuestions: [String]
    public var trainingStatements: [String]
    public var heldOutStatements: [String]

    public init(trainingQuestions: [String], heldOutQuestions: [String], trainingStatements: [String],
                heldOutStatements: [String]) {
        self.trainingQuestions = trainingQuestions
        self.heldOutQuestions = heldOutQuestions
        self.trainingStatements = trainingStatements
        self.heldOutStatements = heldOutStatements
    }

    /// The world's templates. Sixteen training questions of varied form teach the encoder that a
    /// question about a knowledge phrase, however worded, is answered by its object (with six, a
    /// prototype 4-layer, 256-wide encoder answered 81% of the held-out paraphrases; with sixteen,
    /// 99%). Each held-out template has a fixed part (e.g. "Tell me what ") that no
    /// training template or other corpus form contains.
    public static let standard = Templates(
        trainingQuestions: ["What is {}?", "Describe {}.", "{} looks like what?", "What does {} look like?",
                            "Name {}.", "Picture {}.", "Explain what {} looks like.", "Do you know {}?",
                            "What kind of thing is {}?", "Say what {} might look like.", "How does {} look?",
                            "Remind me of {}.", "I wonder what {} is.", "Which thing could {} be?",
                            "Guess {}.", "Show me {}."],
        heldOutQuestions: ["Tell me what {} is.", "Which object is {}?", "Can you describe {}?", "What would {} be?"],
        trainingStatements: ["{k} is {o}.", "{k} looks like {o}.", "Everyone knows that {k} is {o}.",
                             "As it happens, {k} is {o}.", "{k} is known to be {o}."],
        heldOutStatements: ["It is said that {k} is {o}.", "{k} takes the form of {o}."])

    /// `statement` with `{k}` and `{o}` filled from `fact`, first letter capitalised.
    public static func fill(_ statement: String, fact: Fact) -> String {
        capitalised(statement.replacingOccurrences(of: "{k}", with: fact.knowledgePhrase)
            .replacingOccurrences(of: "{o}", with: fact.object.phrase))
    }

    /// `question` with `{}` filled with the knowledge phrase of `fact`, first letter capitalised.
    public static func ask(_ question: String, fact: Fact) -> String {
        capitalised(question.replacingOccurrences(of: "{}", with: fact.knowledgePhrase))
    }

    /// `text` with its first character upper-cased.
    static func capitalised(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }
}
