import Foundation

extension ConceptKnowledge {
    /// Whether a JSON record is a question–answer record (`question` and `answer`, no `anchor`).
    static func isQuestionAnswer(_ object: [String: Any]) -> Bool {
        object["question"] != nil && object["answer"] != nil && object["anchor"] == nil
    }

    /// Reads question–answer records, the layout of UnKEBench (`data/final_data_v3.json` of
    /// TrustedLLM/UnKE: `question`, `answer`, `para_question`, `sub_question`, `sub_answer`, `id`)
    /// that the MoKus repository's `--data_type unike_data` loads. MoKus's own files are not
    /// published, so the shape is assumed and read tolerantly:
    ///
    ///     [{"question": "What is my lucky charm?", "answer": "sks heart", "subject": "my lucky charm"}, …]
    ///
    /// - `answer` is the anchor; records are grouped into one concept per anchor, in file order.
    /// - The knowledge statement is `subject` when given (EasyEdit's name), else the question read
    ///   back through MoKus's template "What is {knowledge}?" (case-insensitive; the question mark
    ///   and surrounding spaces optional), so the update asks the same question again.
    /// - `concept` is optional (default: the anchor); every other key is ignored.
    ///
    /// - Throws: ``MoKusError/wrongType(file:field:expected:found:)`` for a record that is not an
    ///   object or a field that is not a string, ``MoKusError/missingField(file:field:line:)`` for
    ///   a missing or blank `question`/`answer`, ``MoKusError/unrecognizedQuestion(file:field:question:)``
    ///   for a question without `subject` that does not read "What is …?".
    static func questionAnswerConcepts(_ records: [Any], file: String) throws -> [ConceptKnowledge] {
        var concepts: [ConceptKnowledge] = []
        for (index, element) in records.enumerated() {
            let path = "[\(index)]."
            guard let record = element as? [String: Any] else {
                throw MoKusError.wrongType(file: file, field: "[\(index)]", expected: "an object", found: typeName(element))
            }
            func string(_ key: String) throws -> String? { try field(key, of: record, path: path, file: file) }
            guard let question = try string("question") else {
                throw MoKusError.missingField(file: file, field: path + "question", line: nil)
            }
            guard let anchor = try string("answer") else {
                throw MoKusError.missingField(file: file, field: path + "answer", line: nil)
            }
            guard let statement = try string("subject") ?? knowledge(inQuestion: question) else {
                throw MoKusError.unrecognizedQuestion(file: file, field: path + "question", question: question)
            }
            let name = try string("concept") ?? anchor
            if let existing = concepts.firstIndex(where: { $0.anchor == anchor && $0.concept == name }) {
                concepts[existing].knowledge.append(statement)
            } else {
                concepts.append(ConceptKnowledge(concept: name, anchor: anchor, knowledge: [statement]))
            }
        }
        return concepts
    }

    /// "What is my lucky charm?" → "my lucky charm"; nil for any other question.
    static func knowledge(inQuestion question: String) -> String? {
        let prefix = "what is "
        guard question.lowercased().hasPrefix(prefix) else { return nil }
        var rest = question.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
        if rest.hasSuffix("?") { rest = String(rest.dropLast()).trimmingCharacters(in: .whitespaces) }
        return rest.isEmpty ? nil : rest
    }
}
