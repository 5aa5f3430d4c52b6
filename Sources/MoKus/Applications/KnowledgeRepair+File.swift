import Foundation

extension KnowledgeRepair {
    /// The keys of a correction in the simple form.
    static let simpleKeys: Set<String> = ["subject", "relation", "prompt", "answer"]
    /// The keys of a correction in EasyEdit's request form; the last four are read past (an
    /// EasyEdit or `mokus world requests` file is accepted as it is).
    static let easyEditKeys: Set<String> = ["prompt", "subject", "target_new", "ground_truth", "rephrase_prompt", "locality",
                                            "portability"]

    /// Reads a corrections file: a JSON list of corrections or one correction, each either
    ///
    /// - simple: `{"subject": "Mia", "relation": "{}'s lucky charm", "answer": "a small red striped star"}`
    ///   (the phrase is the relation template with the subject in `{}`), or with `"prompt": "Mia's lucky
    ///   charm"` (the phrase itself, naming the subject) instead of `relation`; every query form is edited;
    /// - EasyEdit's request: `{"prompt": "What is Mia's lucky charm?", "subject": "Mia's lucky charm",
    ///   "target_new": "a small red striped star"}` (the phrase is `subject`; only `prompt` is edited).
    ///
    /// A record with `target_new` is EasyEdit's; any other is simple.
    ///
    /// - Throws: ``MoKusError/unreadableFile(file:reason:)``, ``MoKusError/malformedJSON(file:reason:)``,
    ///   ``MoKusError/wrongType(file:field:expected:found:)`` (a value that is not a string),
    ///   ``MoKusError/invalidFacts(file:field:expected:found:)`` (an unknown or missing key, both or
    ///   neither of `relation` and `prompt`, a relation without `{}`, a phrase not naming its subject,
    ///   a blank value).
    public static func read(contentsOf url: URL) throws -> [Fact] {
        let file = url.path(percentEncoded: false)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw MoKusError.unreadableFile(file: file, reason: (error as NSError).localizedDescription)
        }
        return try read(data, file: file)
    }

    /// ``read(contentsOf:)`` of bytes; `file` names them in errors.
    public static func read(_ data: Data, file: String) throws -> [Fact] {
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: data) } catch {
            throw MoKusError.malformedJSON(file: file, reason: (error as NSError).localizedDescription)
        }
        let records: [Any] = (json as? [Any]) ?? [json]
        return try records.enumerated().map { index, record in
            guard let object = record as? [String: Any] else {
                throw MoKusError.wrongType(file: file, field: "[\(index)]", expected: "an object", found: "\(type(of: record))")
            }
            return try fact(object, field: "[\(index)]", file: file)
        }
    }

    /// One record, either form.
    static func fact(_ object: [String: Any], field: String, file: String) throws -> Fact {
        let easyEdit = object["target_new"] != nil
        let allowed = easyEdit ? easyEditKeys : simpleKeys
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw MoKusError.invalidFacts(
                file: file, field: "\(field).\(unknown)",
                expected: easyEdit ? "EasyEdit's keys (prompt, subject, target_new)" : "the keys subject, relation or prompt, answer",
                found: "an unknown key")
        }
        func string(_ key: String) throws -> String? {
            guard let value = object[key] else { return nil }
            guard let text = value as? String else {
                throw MoKusError.wrongType(file: file, field: "\(field).\(key)", expected: "a string", found: "\(type(of: value))")
            }
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw MoKusError.invalidFacts(file: file, field: "\(field).\(key)", expected: "a non-empty string", found: "\"\(text)\"")
            }
            return text.trimmingCharacters(in: .whitespaces)
        }
        func required(_ key: String) throws -> String {
            guard let value = try string(key) else {
                throw MoKusError.invalidFacts(file: file, field: "\(field).\(key)", expected: "a non-empty string", found: "nothing")
            }
            return value
        }
        let subject = try required("subject")
        if easyEdit {
            let prompt = try required("prompt")
            guard prompt.contains(subject) else {
                throw MoKusError.invalidFacts(file: file, field: "\(field).prompt", expected: "a prompt naming \"\(subject)\"",
                                              found: "\"\(prompt)\"")
            }
            return Fact(phrase: subject, answer: try required("target_new"), prompts: [prompt])
        }
        let answer = try required("answer")
        switch (try string("relation"), try string("prompt")) {
        case (let relation?, nil):
            guard relation.contains("{}") else {
                throw MoKusError.invalidFacts(file: file, field: "\(field).relation", expected: "a phrase template with {} for the subject",
                                              found: "\"\(relation)\"")
            }
            return Fact(phrase: relation.replacingOccurrences(of: "{}", with: subject), answer: answer)
        case (nil, let phrase?):
            guard phrase.contains(subject) else {
                throw MoKusError.invalidFacts(file: file, field: "\(field).prompt", expected: "a phrase naming \"\(subject)\"",
                                              found: "\"\(phrase)\"")
            }
            return Fact(phrase: phrase, answer: answer)
        case (.some, .some):
            throw MoKusError.invalidFacts(file: file, field: field, expected: "one of relation and prompt", found: "both")
        case (nil, nil):
            throw MoKusError.invalidFacts(file: file, field: field, expected: "one of relation and prompt", found: "neither")
        }
    }

    /// A correction in the simple form with a relation template.
    public struct Correction: Sendable, Equatable, Codable {
        /// The entity ("Mia").
        public var subject: String
        /// The phrase template, `{}` for the subject ("{}'s lucky charm").
        public var relation: String
        public var answer: String

        public init(subject: String, relation: String, answer: String) {
            (self.subject, self.relation, self.answer) = (subject, relation, answer)
        }
    }

    /// A corrections file of `corrections` (pretty-printed, sorted keys): what `mokus repair
    /// --corrupt` writes as `corrections.json`.
    public static func json(_ corrections: [Correction]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(corrections)
    }
}
