import Foundation

extension ConceptKnowledge {
    /// Parses KnowCusBench-style JSON: one object or a list of objects
    /// `{"concept": "my dog", "anchor": "sks dog", "knowledge": ["my birthday gift", …]}`.
    ///
    /// KnowCusBench's exact field names are unpublished, so unknown keys are ignored, `concept`
    /// is optional (defaults to the anchor) and a statement may also be an object with a `text`
    /// field (e.g. `{"text": "my birthday gift", "perspective": "personal relationship"}`).
    /// A list of question–answer records without `anchor` (the MoKus repository's
    /// `--data_type unike_data`, UnKEBench's layout) is read by ``questionAnswerConcepts(_:file:)``.
    ///
    /// - Throws: ``MoKusError/malformedJSON(file:reason:)``, ``MoKusError/noConcepts(file:)``,
    ///   ``MoKusError/missingField(file:field:line:)`` (e.g. `[1].anchor`),
    ///   ``MoKusError/wrongType(file:field:expected:found:)``, ``MoKusError/emptyKnowledge(file:field:)``,
    ///   ``MoKusError/emptyStatement(file:field:line:)`` (e.g. `[0].knowledge[2]`).
    public static func parseJSON(_ data: Data, file: String) throws -> [ConceptKnowledge] {
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch {
            throw MoKusError.malformedJSON(file: file, reason: (error as NSError).debugDescription)
        }
        if let object = root as? [String: Any] {
            return isQuestionAnswer(object) ? try questionAnswerConcepts([object], file: file)
                : [try concept(object, path: "", file: file)]
        }
        guard let list = root as? [Any] else {
            throw MoKusError.malformedJSON(file: file, reason: "expected an object or a list of objects at the top level")
        }
        guard !list.isEmpty else { throw MoKusError.noConcepts(file: file) }
        if let first = list.first as? [String: Any], isQuestionAnswer(first) {
            return try questionAnswerConcepts(list, file: file)
        }
        return try list.enumerated().map { index, element in
            guard let object = element as? [String: Any] else {
                throw MoKusError.wrongType(file: file, field: "[\(index)]", expected: "an object", found: typeName(element))
            }
            return try concept(object, path: "[\(index)].", file: file)
        }
    }

    private static func concept(_ object: [String: Any], path: String, file: String) throws -> ConceptKnowledge {
        func string(_ key: String) throws -> String? { try field(key, of: object, path: path, file: file) }
        guard let anchor = try string("anchor") else {
            throw MoKusError.missingField(file: file, field: path + "anchor", line: nil)
        }
        let concept = try string("concept") ?? anchor
        guard let value = object["knowledge"] else {
            throw MoKusError.missingField(file: file, field: path + "knowledge", line: nil)
        }
        guard let items = value as? [Any] else {
            throw MoKusError.wrongType(
                file: file, field: path + "knowledge", expected: "a list of strings", found: typeName(value))
        }
        guard !items.isEmpty else { throw MoKusError.emptyKnowledge(file: file, field: path + "knowledge") }
        let knowledge = try items.enumerated().map { index, item in
            let field = "\(path)knowledge[\(index)]"
            guard let text = (item as? String) ?? ((item as? [String: Any])?["text"] as? String) else {
                throw MoKusError.wrongType(
                    file: file, field: field, expected: "a string or {\"text\": …}", found: typeName(item))
            }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw MoKusError.emptyStatement(file: file, field: field, line: nil) }
            return trimmed
        }
        return ConceptKnowledge(concept: concept, anchor: anchor, knowledge: knowledge)
    }

    /// The trimmed string at `key`, nil when absent or null.
    ///
    /// - Throws: ``MoKusError/wrongType(file:field:expected:found:)`` for a non-string,
    ///   ``MoKusError/missingField(file:field:line:)`` for a blank string (`field` is `path + key`).
    static func field(_ key: String, of object: [String: Any], path: String, file: String) throws -> String? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let text = value as? String else {
            throw MoKusError.wrongType(file: file, field: path + key, expected: "a string", found: typeName(value))
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw MoKusError.missingField(file: file, field: path + key, line: nil) }
        return trimmed
    }

    static func typeName(_ value: Any) -> String {
        switch value {
        case is String: "a string"
        case is [Any]: "a list"
        case is [String: Any]: "an object"
        case is NSNull: "null"
        case is NSNumber: "a number"
        default: "\(type(of: value))"
        }
    }
}
