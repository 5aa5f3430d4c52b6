/// Why a knowledge file, a query template or a knowledge update was refused.
///
/// Every case names the file (when there is one), the line or field, and what was expected.
public enum MoKusError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read (missing, a directory, not UTF-8).
    case unreadableFile(file: String, reason: String)
    /// The file is not JSON, or JSON of the wrong shape.
    case malformedJSON(file: String, reason: String)
    /// A required field is absent or blank (`field` is a path such as `[1].anchor`).
    case missingField(file: String, field: String, line: Int?)
    /// A field has the wrong JSON type.
    case wrongType(file: String, field: String, expected: String, found: String)
    /// A concept has no knowledge statements.
    case emptyKnowledge(file: String, field: String)
    /// One knowledge statement is empty or only whitespace.
    case emptyStatement(file: String, field: String, line: Int?)
    /// A line of the text format that is neither a header, a statement, a comment nor blank.
    case unrecognizedLine(file: String, line: Int, text: String)
    /// A header key of the text format other than `concept` and `anchor`, or one given twice.
    case unknownHeaderKey(file: String, line: Int, key: String)
    /// A JSON list without any concept.
    case noConcepts(file: String)
    /// A question–answer record whose question does not name its knowledge statement.
    case unrecognizedQuestion(file: String, field: String, question: String)
    /// A knowledge file whose concepts name different anchors where one concept is customised.
    case severalAnchors(file: String, anchors: [String])
    /// A report prompt without `{}`, or no prompts or seeds.
    case invalidPrompt(prompt: String, reason: String)
    /// A query template without the `{knowledge}` placeholder.
    case templateWithoutPlaceholder(template: String)
    /// A concept image folder that is missing or holds no file.
    case emptyImageFolder(folder: String, reason: String)
    /// A file of a concept image folder that is not a readable PNG or JPEG.
    case unreadableImage(file: String, reason: String)
    /// A virtual concept (`create-concept --name`) or erased concept (`erase --concept`) that is empty.
    case emptyConcept(option: String)
    /// A virtual concept's description, or an erased concept's replacement, that is empty.
    case emptyDescription(option: String, concept: String)
    /// Two virtual concepts with the same name.
    case duplicateConcept(name: String)
    /// A virtual concept's name (or a word of it) that the world already uses, refused without `--force`.
    case nameTaken(name: String, word: String, usedAs: String)
    /// An erased concept with a word the encoder's world does not know.
    case unknownConcept(concept: String, word: String, known: String)
    /// A corrections file (`mokus repair --facts`) with an unknown or missing key, a blank value or
    /// an inconsistent record.
    case invalidFacts(file: String, field: String, expected: String, found: String)
    /// A correction whose phrase names no entity of the pipeline's world (refused without `--force`).
    case unknownSubject(file: String, field: String, subject: String)
    /// A `--shard` value that is not `i/n` with 0 ≤ i < n.
    case invalidShard(text: String)
    /// Benchmark shard files that cannot be merged: unreadable, of another run, or a shard missing or repeated.
    case shardMismatch(file: String, reason: String)
    /// A benchmark suite that cannot run: no concept, a concept without statements or prompts, images of the wrong shape.
    case invalidSuite(field: String, expected: String, found: String)
    /// A KnowCusBench data folder (`mokus bench knowcus --data`) with a missing or malformed file or key.
    case invalidBenchmarkData(file: String, key: String, expected: String, found: String)

    public var description: String {
        func at(_ line: Int?) -> String { line.map { ", line \($0)" } ?? "" }
        switch self {
        case .unreadableFile(let file, let reason):
            return "\(file): cannot read the knowledge file: \(reason)"
        case .malformedJSON(let file, let reason):
            return "\(file): malformed JSON: \(reason)"
        case .missingField(let file, let field, let line):
            return "\(file)\(at(line)): '\(field)' is missing or blank; expected a non-empty string"
        case .wrongType(let file, let field, let expected, let found):
            return "\(file): '\(field)' must be \(expected), found \(found)"
        case .emptyKnowledge(let file, let field):
            return "\(file): '\(field)' has no knowledge statements; expected at least one"
        case .emptyStatement(let file, let field, let line):
            return "\(file)\(at(line)): knowledge statement '\(field)' is empty; expected text"
        case .unrecognizedLine(let file, let line, let text):
            return "\(file), line \(line): '\(text)' is not 'key: value', '- statement', a comment or blank"
        case .unknownHeaderKey(let file, let line, let key):
            return "\(file), line \(line): header key '\(key)' is unknown or repeated; expected 'concept' or 'anchor' once"
        case .noConcepts(let file):
            return "\(file): the JSON list holds no concept; expected at least one object"
        case .unrecognizedQuestion(let file, let field, let question):
            return "\(file): '\(field)' is \"\(question)\"; expected \"What is <knowledge>?\" or a 'subject' field naming the knowledge"
        case .severalAnchors(let file, let anchors):
            return "\(file): the concepts name \(anchors.count) anchors (\(anchors.joined(separator: ", "))); "
                + "expected one, the anchor the concept images are learnt as"
        case .invalidPrompt(let prompt, let reason):
            return "report prompt '\(prompt)' is unusable: \(reason); expected prompts like '{} on a grey background' and at least one seed"
        case .templateWithoutPlaceholder(let template):
            return "query template '\(template)' has no '{knowledge}' placeholder"
        case .emptyImageFolder(let folder, let reason):
            return "\(folder): no concept images: \(reason); expected PNG or JPEG files"
        case .unreadableImage(let file, let reason):
            return "\(file): not a usable concept image: \(reason)"
        case .emptyConcept(let option):
            return "\(option) is empty; expected a word or phrase"
        case .emptyDescription(let option, let concept):
            return "\(option) of '\(concept)' is empty; expected a phrase such as 'a small blue striped circle'"
        case .duplicateConcept(let name):
            return "--name '\(name)' is given twice; expected each virtual concept once"
        case .nameTaken(let name, let word, let usedAs):
            return "--name '\(name)': '\(word)' is already \(usedAs); expected a new word (or pass --force to edit it anyway)"
        case .unknownConcept(let concept, let word, let known):
            return "--concept '\(concept)': the encoder's world does not know '\(word)'; expected one of its words (\(known))"
        case .invalidFacts(let file, let field, let expected, let found):
            return "\(file): '\(field)' must be \(expected), found \(found)"
        case .unknownSubject(let file, let field, let subject):
            return "\(file): '\(field)' is about \"\(subject)\", which names no entity of the pipeline's world; "
                + "expected an entity's fact (or pass --force to edit it anyway)"
        case .invalidShard(let text):
            return "shard '\(text)' is unusable; expected i/n with 0 ≤ i < n, e.g. 0/4"
        case .shardMismatch(let file, let reason):
            return "\(file): cannot merge this benchmark shard: \(reason)"
        case .invalidSuite(let field, let expected, let found):
            return "benchmark suite: '\(field)' must be \(expected), found \(found)"
        case .invalidBenchmarkData(let file, let key, let expected, let found):
            return "\(file): \(key.isEmpty ? "" : "'\(key)': ")expected \(expected), found \(found)"
        }
    }
}
