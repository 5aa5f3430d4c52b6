import Foundation
import MoKus
import World

/// The words a pipeline's world uses (its `world.json`, as the bundled world's): what
/// `create-concept` refuses as a new name and what `erase` accepts as a concept. A pipeline
/// without a world (a real checkpoint) has none, and nothing is checked.
struct PipelineWorldWords {
    /// Lowercased word → what it is ("an entity of the world", "a shape of the world").
    let taken: [String: String]
    /// Every attribute and background word, and every word of an entity name.
    var known: Set<String> { Set(taken.keys) }

    /// The words of `pipeline/world.json`, or nil when the folder has none.
    /// - Throws: `WorldError` for a world.json that is unreadable or invalid.
    init?(pipeline: URL) throws {
        guard FileManager.default.fileExists(atPath: pipeline.appending(path: World.fileName).path(percentEncoded: false)) else {
            return nil
        }
        let world = try World.load(from: pipeline)
        var taken: [String: String] = [:]
        let vocabulary = world.vocabulary
        for (kind, words) in [("size", vocabulary.sizes), ("colour", vocabulary.colours), ("pattern", vocabulary.patterns),
                              ("shape", vocabulary.shapes), ("background", vocabulary.backgrounds)] {
            for word in words { taken[word.lowercased()] = "a \(kind) of the world" }
        }
        for entity in world.entities {
            for word in entity.name.lowercased().split(whereSeparator: { !$0.isLetter }) {
                taken[String(word)] = "(part of) the name of an entity of the world (\(entity.name))"
            }
        }
        self.taken = taken
    }
}

/// What `create-concept` and `erase` print: the report's place and the figures (or `--json`, the metrics).
enum ApplicationSummary {
    static func print(_ metrics: ApplicationMetrics, out: URL, json: Bool) throws {
        if json { return try printJSON(try JSONSerialization.jsonObject(with: metrics.json())) }
        func number(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "–" }
        var path = out.path(percentEncoded: false)
        if path.count > 1 && path.hasSuffix("/") { path.removeLast() }  // a directory URL's trailing slash
        var lines = ["\(path)/report.md: \(metrics.editor), \(metrics.update.answered)/\(metrics.update.rows.count) queries answer "
                     + "after the edit; edits in \(path)/\(ApplicationMetrics.editsFile) (mokus apply --edits)"]
        lines += metrics.figures.map { figure in
            "\(figure.name): " + metrics.states.map { "\($0) \(number(figure.values[$0]))" }.joined(separator: ", ")
                + (figure.bar.isEmpty ? "" : " (bar \(figure.bar))")
        }
        Swift.print(lines.joined(separator: "\n"))
    }
}
