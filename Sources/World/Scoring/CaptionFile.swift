import Evaluator
import Foundation
import ModelIO

/// What a `captions.jsonl` (as ``RenderedDataset`` writes it) says an image shows, for scoring
/// images against their captions.
public struct ImageCaption: Sendable, Equatable {
    /// The caption text, when the record has one.
    public var text: String?
    /// Attribute name → class name in the evaluator schema's words: the record's `attributes`
    /// (size, colour, pattern, shape) plus its `background`. Never empty.
    public var attributes: [String: String]

    public init(text: String?, attributes: [String: String]) {
        self.text = text
        self.attributes = attributes
    }
}

/// Reads `captions.jsonl` files: one JSON object per non-empty line with `file` (the image's path
/// relative to the captions file, e.g. `images/00000.png`), `attributes` (an object of attribute
/// name → class name) and optionally `background` and `caption`.
public enum CaptionFile {
    /// The captions of `url` keyed by image file name (the last path component of `file`), so that
    /// the records also describe images written elsewhere under the same names (a generator's
    /// outputs for the same captions).
    ///
    /// - Parameter schema: every attribute and class named must be in it (the world's schema by default).
    /// - Throws: ``WorldError/unreadableFile(path:reason:)``; ``WorldError/corruptFile(path:key:expected:found:)``
    ///   naming the line and key for a line that is not a JSON object, a missing or mistyped key, an
    ///   attribute or class the schema does not have, or a file name used twice.
    public static func read(_ url: URL, schema: AttributeSchema = EvaluatorRecipe.schema) throws -> [String: ImageCaption] {
        let path = url.path(percentEncoded: false)
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw WorldError.unreadableFile(path: path, reason: ErrorText.reason(error))
        }
        var captions: [String: ImageCaption] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.allSatisfy(\.isWhitespace) {
            let lineNumber = index + 1
            func corrupt(_ key: String, _ expected: String, _ found: String) -> WorldError {
                .corruptFile(path: path, key: "line \(lineNumber): \(key)", expected: expected, found: found)
            }
            guard let record = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw corrupt("(record)", "a JSON object", "'\(line.prefix(40))'")
            }
            guard let file = record["file"] as? String, !file.isEmpty else {
                throw corrupt("file", "the image's path, a string", "\(record["file"].map { "\($0)" } ?? "nothing")")
            }
            guard var attributes = record["attributes"] as? [String: String] else {
                let found = record["attributes"].map { "\($0)" } ?? "nothing"
                throw corrupt("attributes", "an object of attribute name → class name", found)
            }
            if let background = record["background"] {
                guard let name = background as? String else { throw corrupt("background", "a string", "\(background)") }
                attributes["background"] = name
            }
            guard !attributes.isEmpty else { throw corrupt("attributes", "at least one attribute", "none") }
            for (name, className) in attributes.sorted(by: { $0.key < $1.key }) {
                guard let attribute = schema.attributes.first(where: { $0.name == name }) else {
                    throw corrupt("attributes.\(name)", "one of the attributes \(schema.names)", "'\(name)'")
                }
                guard attribute.classes.contains(className) else {
                    throw corrupt("attributes.\(name)", "one of \(attribute.classes)", "'\(className)'")
                }
            }
            let name = URL(fileURLWithPath: file).lastPathComponent
            guard captions[name] == nil else { throw corrupt("file", "a file name no earlier line uses", "'\(name)' again") }
            captions[name] = ImageCaption(text: record["caption"] as? String, attributes: attributes)
        }
        return captions
    }
}
