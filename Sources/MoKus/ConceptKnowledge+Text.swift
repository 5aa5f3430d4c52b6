import Foundation

extension ConceptKnowledge {
    /// Parses the text format (docs/mokus.md):
    ///
    ///     # comments and blank lines are ignored
    ///     concept: my dog
    ///     anchor: sks dog
    ///     - my birthday gift
    ///     - the dog that guards my house
    ///
    /// Header lines `key: value` (`anchor` required, `concept` optional, each at most once) and
    /// statement lines `- text` may appear in any order; surrounding whitespace is trimmed.
    ///
    /// - Throws: ``MoKusError/missingField(file:field:line:)`` without an anchor,
    ///   ``MoKusError/emptyKnowledge(file:field:)`` without statements,
    ///   ``MoKusError/emptyStatement(file:field:line:)`` for a `-` with no text,
    ///   ``MoKusError/unknownHeaderKey(file:line:key:)``, ``MoKusError/unrecognizedLine(file:line:text:)``.
    public static func parseText(_ text: String, file: String) throws -> ConceptKnowledge {
        var header: [String: String] = [:]
        var statements: [String] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines), number = index + 1
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("-") {
                let statement = line.dropFirst().trimmingCharacters(in: .whitespaces)
                guard !statement.isEmpty else {
                    throw MoKusError.emptyStatement(file: file, field: "knowledge[\(statements.count)]", line: number)
                }
                statements.append(statement)
            } else if let colon = line.firstIndex(of: ":") {
                let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                guard ["concept", "anchor"].contains(key), header[key] == nil else {
                    throw MoKusError.unknownHeaderKey(file: file, line: number, key: key)
                }
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                guard !value.isEmpty else { throw MoKusError.missingField(file: file, field: key, line: number) }
                header[key] = value
            } else {
                throw MoKusError.unrecognizedLine(file: file, line: number, text: line)
            }
        }
        guard let anchor = header["anchor"] else { throw MoKusError.missingField(file: file, field: "anchor", line: nil) }
        guard !statements.isEmpty else { throw MoKusError.emptyKnowledge(file: file, field: "knowledge") }
        return ConceptKnowledge(concept: header["concept"] ?? anchor, anchor: anchor, knowledge: statements)
    }
}
