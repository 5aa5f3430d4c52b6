import Foundation
import ModelIO

/// One customised concept and what the user knows about it (MoKus stage 2's input).
///
/// `anchor` is the rare-token phrase of visual concept learning ("sks dog"); after the update,
/// every knowledge statement ("my birthday gift") should make the text encoder answer it.
public struct ConceptKnowledge: Sendable, Equatable, Codable {
    /// A human-readable name; defaults to the anchor when the file gives none.
    public var concept: String
    /// The rare-token phrase the visual stage learned, without a leading space.
    public var anchor: String
    /// Noun phrases about the concept, each one edit.
    public var knowledge: [String]

    public init(concept: String, anchor: String, knowledge: [String]) {
        self.concept = concept
        self.anchor = anchor
        self.knowledge = knowledge
    }

    /// Reads a knowledge file: JSON when its first non-blank character is `{` or `[`
    /// (``init(json:file:)``), else the text format (``init(text:file:)``).
    ///
    /// - Throws: ``MoKusError`` naming the file and the line or field at fault.
    public static func read(contentsOf url: URL) throws -> [ConceptKnowledge] {
        let file = url.path(percentEncoded: false)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw MoKusError.unreadableFile(file: file, reason: ErrorText.reason(error))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw MoKusError.unreadableFile(file: file, reason: "not UTF-8 text")
        }
        let first = text.first { !$0.isWhitespace }
        if first == "{" || first == "[" { return try parseJSON(data, file: file) }
        return [try parseText(text, file: file)]
    }
}
