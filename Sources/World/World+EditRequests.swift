import Tensors

/// Edit requests in EasyEdit's layout (the records of a requests.json file that
/// `EditRequestFile` reads): a fact's question, a new object as the target, a held-out paraphrase,
/// and other entities' facts as locality probes.
extension World {
    /// `count` requests about distinct facts drawn with `seed`. Each asks the fact with the first
    /// training question template, names the knowledge phrase as the subject ("Mia's lucky charm":
    /// the edit binds the phrase, as MoKus binds a knowledge statement to its anchor, and its last
    /// token is where the world's encoder recalls the object), targets another non-reserved object
    /// (drawn uniformly), rephrases
    /// with a held-out question template, and probes `localityCount` facts of other entities that
    /// no request of the set rewrites (asked with the first training template, answered by their
    /// current objects), so that after any number of the set's sequential edits a probe's expected
    /// answer is still the unedited model's.
    /// - Throws: ``WorldError/invalidArgument(name:expected:found:)`` when `count` exceeds the facts
    ///   or `localityCount` exceeds the facts left unedited outside an edited fact's entity
    ///   (`facts.count − count − 5`, at most `facts.count − 6`).
    public func editRequests(count: Int, seed: UInt64 = 0, localityCount: Int = 8) throws -> [EditRequestRecord] {
        guard (0...facts.count).contains(count) else {
            throw WorldError.invalidArgument(name: "count", expected: "0...\(facts.count)", found: "\(count)")
        }
        let perEntity = Perspective.allCases.count
        // Unedited facts outside one edited fact's entity: all but `count` and that entity's other facts.
        let probeable = count == 0 ? facts.count - perEntity : facts.count - count - (perEntity - 1)
        guard (0...min(probeable, facts.count - perEntity)).contains(localityCount) else {
            throw WorldError.invalidArgument(
                name: "localityCount", expected: "0...\(min(probeable, facts.count - perEntity)) for \(count) requests",
                found: "\(localityCount)")
        }
        let question = try editQuestion()
        var random = RandomGenerator(seed: seed)
        let objects = answerObjects
        let edited = random.permutation(facts.count).prefix(count)
        let editedFacts = Set(edited)
        return edited.map { index in
            let fact = facts[index]
            let (target, rephrase) = drawRewrite(of: fact, objects: objects, using: &random)
            let others = random.permutation(facts.count).lazy.filter { !editedFacts.contains($0) }.map { facts[$0] }
                .filter { $0.entity != fact.entity }.prefix(localityCount)
            return editRecord(fact, target: target, question: question, rephrase: rephrase, locality: Array(others))
        }
    }

    /// The question template edit requests ask with (the first training question).
    /// - Throws: ``WorldError/invalidArgument(name:expected:found:)`` when the templates lack
    ///   training or held-out questions.
    func editQuestion() throws -> String {
        guard let question = templates.trainingQuestions.first, !templates.heldOutQuestions.isEmpty else {
            throw WorldError.invalidArgument(name: "templates", expected: "training and held-out questions", found: "none")
        }
        return question
    }

    /// A new object for `fact` (drawn uniformly from `objects` until it differs) and a held-out
    /// paraphrase template, in that order from `random`.
    func drawRewrite(of fact: Fact, objects: [ObjectDescription], using random: inout RandomGenerator)
        -> (target: ObjectDescription, rephrase: String)
    {
        var target = fact.object
        while target == fact.object { target = objects[random.nextInt(in: 0..<objects.count)] }
        return (target, templates.heldOutQuestions[random.nextInt(in: 0..<templates.heldOutQuestions.count)])
    }

    /// The request rewriting `fact` to `target`, probing `locality` facts with their current objects.
    func editRecord(_ fact: Fact, target: ObjectDescription, question: String, rephrase: String, locality: [Fact])
        -> EditRequestRecord
    {
        EditRequestRecord(
            prompt: Templates.ask(question, fact: fact), subject: fact.knowledgePhrase, targetNew: target.phrase,
            groundTruth: fact.object.phrase, rephrasePrompt: Templates.ask(rephrase, fact: fact),
            locality: .init(neighborhood: .init(prompt: locality.map { Templates.ask(question, fact: $0) },
                                                groundTruth: locality.map(\.object.phrase))))
    }
}

/// One EasyEdit-layout request record:
/// `{"prompt", "subject", "target_new", "ground_truth", "rephrase_prompt",
///   "locality": {"neighborhood": {"prompt": [...], "ground_truth": [...]}}}`.
public struct EditRequestRecord: Codable, Sendable, Hashable {
    public var prompt: String
    public var subject: String
    public var targetNew: String
    public var groundTruth: String
    public var rephrasePrompt: String
    public var locality: Locality

    /// The locality probes, under EasyEdit's set name `neighborhood`.
    public struct Locality: Codable, Sendable, Hashable {
        public var neighborhood: Probes
    }

    /// Parallel lists of prompts and their expected answers.
    public struct Probes: Codable, Sendable, Hashable {
        public var prompt: [String]
        public var groundTruth: [String]

        enum CodingKeys: String, CodingKey {
            case prompt
            case groundTruth = "ground_truth"
        }
    }

    enum CodingKeys: String, CodingKey {
        case prompt, subject, locality
        case targetNew = "target_new"
        case groundTruth = "ground_truth"
        case rephrasePrompt = "rephrase_prompt"
    }
}
