import Foundation
import KnowledgeEditing
import MoKus
@testable import mokus
import TestSupport
import Testing
import TextEncoders
import World

/// `mokus create-concept` and `mokus erase` on the bundled world, reduced to seconds (UltraEdit,
/// one query form, one seed, two unguided denoising steps), and their refusals of bad input.
@Suite("mokus create-concept and erase")
struct ApplicationCommandTests {
    static let path = CustomizeCommandTests.path
    static let reduced = ["--seeds", "1", "--sampling-steps", "2", "--guidance", "1", "--hparams", CustomizeCommandTests.hparams,
                          "--quiet"]

    /// `metrics.json` as JSON objects (its snake_case keys, as a user reads them).
    struct Metrics {
        let json: [String: Any]
        var states: [String] { json["states"] as? [String] ?? [] }
        var cells: [[String: Any]] { json["cells"] as? [[String: Any]] ?? [] }
        var rows: [[String: Any]] { (json["update"] as? [String: Any])?["rows"] as? [[String: Any]] ?? [] }
        var figures: [String: [String: Double]] {
            Dictionary((json["figures"] as? [[String: Any]] ?? []).map { ($0["name"] as? String ?? "", $0["values"] as? [String: Double] ?? [:]) },
                       uniquingKeysWith: { first, _ in first })
        }
        func cellValues(_ key: String) -> [String] { cells.map { $0[key] as? String ?? "" } }
    }

    /// Every report file exists, each cell is scored in every state (the first agreeing with itself),
    /// and `mokus apply` replays the edits on `encoder` (nil: the world's encoder).
    static func checkReport(_ out: URL, edits: Int, in folder: TemporaryDirectory, encoder: URL? = nil) throws -> Metrics {
        let encoder = try encoder ?? BundledWorld.directory().appending(path: WorldFolder.textEncoder)
        for file in ["report.md", "grid.png", "figures.svg", "metrics.json", ApplicationMetrics.editsFile, "images/base/c0-s0.png",
                     "images/edited/c0-s0.png"] {
            #expect(FileManager.default.fileExists(atPath: path(out.appending(path: file))), "\(file)")
        }
        let metrics = Metrics(json: try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appending(path: "metrics.json"))) as? [String: Any]))
        #expect(metrics.rows.count == edits)
        for cell in metrics.cells {
            let scores = try #require(cell["scores"] as? [String: [String: Any]])
            #expect(Set(scores.keys) == Set(metrics.states))
            #expect(scores["base"]?["same_as_base"] as? Double == 1)
        }
        #expect(!metrics.figures.isEmpty)
        let saved = folder.file("replayed")
        try Mokus.Apply.parse(["--edits", path(out.appending(path: ApplicationMetrics.editsFile)), "--save-model", path(saved),
                               "--model", path(encoder)]).run()
        let base = try TextEncoderLoader.load(directory: encoder)
        #expect(try EditFile.load(out.appending(path: ApplicationMetrics.editsFile), expectedFingerprint: base.fingerprint).count
                    == edits)
        return metrics
    }

    @Test("create-concept: two names, one query form each; cells expect the described attributes; apply replays the edits")
    func createConcept() throws {
        let folder = try TemporaryDirectory(label: "create-concept")
        let out = folder.file("zorblax")
        try Mokus.CreateConcept.parse(
            ["--name", "zorblax", "--description", "a small blue striped circle", "--name", "quimber",
             "--description", "a large red dotted square", "--out", Self.path(out), "--query", "What is {knowledge}?",
             "--prompt", "{} on a teal background", "--unrelated", "a large green solid triangle"] + Self.reduced).run()
        let metrics = try Self.checkReport(out, edits: 2, in: folder)
        #expect(metrics.json["command"] as? String == "create-concept" && metrics.states == ["base", "edited"])
        #expect(metrics.cellValues("group") == ["name", "description", "name", "description", "unrelated"])
        #expect(metrics.cellValues("text")[0] == "zorblax on a teal background")
        #expect(metrics.cells[0]["expected"] as? [String: String]
                    == ["size": "small", "colour": "blue", "pattern": "striped", "shape": "circle", "background": "teal"])
        #expect(metrics.rows.map { $0["target"] as? String } == [" a small blue striped circle", " a large red dotted square"])
        #expect(metrics.figures["all names: every described attribute"] != nil)
        #expect(try folder.contents().allSatisfy { !$0.hasPrefix(".") }, "no staging folder is left")
    }

    @Test("erase: four states (base, edited, negative prompt, Enc-FT); recognition figures for a shape the evaluator reads")
    func erase() throws {
        let folder = try TemporaryDirectory(label: "erase")
        let out = folder.file("erased")
        try Mokus.Erase.parse(
            ["--concept", "star", "--replacement", "a grey blob", "--out", Self.path(out), "--query", "What is a {knowledge}?",
             "--prompt", "a small red striped {}", "--paraphrase", "a {}", "--other", "circle", "--enc-ft", "--enc-ft-steps", "2"]
                + Self.reduced).run()
        let metrics = try Self.checkReport(out, edits: 1, in: folder)
        #expect(metrics.states == ["base", "edited", "negative", "enc-ft"])
        #expect(metrics.cellValues("text") == ["a small red striped star", "a star", "a small red striped circle"])
        #expect(metrics.cellValues("group") == ["concept", "paraphrase", "other"])
        #expect(metrics.rows.first?["target"] as? String == " a grey blob")
        let recognised = try #require(metrics.figures["star recognised, prompts naming it"])
        #expect(Set(recognised.keys) == ["base", "edited", "negative", "enc-ft"])
        #expect(FileManager.default.fileExists(atPath: Self.path(out.appending(path: "images/negative/c2-s0.png"))))
    }

    @Test("bad input: a world entity's name (unless --force), an empty description, unknown concept words, counts, options")
    func badInput() throws {
        let folder = try TemporaryDirectory(label: "applications-bad")
        let out = folder.file("out")
        let entity = try World.load(from: BundledWorld.directory()).entities[0].name
        func create(_ pairs: [(String, String)], _ extra: [String] = []) throws -> Mokus.CreateConcept {
            try Mokus.CreateConcept.parse(pairs.flatMap { ["--name", $0, "--description", $1] } + ["--out", Self.path(out)]
                                          + Self.reduced + extra)
        }
        func refuses(_ run: () throws -> Void, _ check: (MoKusError?) -> Bool) {
            #expect(performing: run, throws: { check($0 as? MoKusError) })
            #expect(!FileManager.default.fileExists(atPath: Self.path(out)))
        }
        refuses({ try create([(entity, "a small blue striped circle")]).run() }) {
            guard case .nameTaken(let name, _, let usedAs) = $0 else { return false }
            return name == entity && usedAs.contains(entity)
        }
        let taken = try #require(try PipelineWorldWords(pipeline: BundledWorld.directory())).taken
        try VirtualConcepts.check([.init(name: entity, description: "a small blue striped circle")], taken: taken, force: true)
        refuses({ try create([("star", "a small blue striped circle")]).run() }) {
            $0 == .nameTaken(name: "star", word: "star", usedAs: "a shape of the world")
        }
        refuses({ try create([("zorblax", "  ")]).run() }) { $0 == .emptyDescription(option: "--description", concept: "zorblax") }
        refuses({ try create([("zorblax", "a red star"), ("Zorblax", "a blue star")]).run() }) { $0 == .duplicateConcept(name: "Zorblax") }
        #expect(throws: (any Error).self) {
            try Mokus.CreateConcept.parse(["--name", "zorblax", "--out", Self.path(out)] + Self.reduced)
        }

        func erase(_ arguments: [String]) throws -> Mokus.Erase {
            try Mokus.Erase.parse(arguments + ["--out", Self.path(out)] + Self.reduced)
        }
        refuses({ try erase(["--concept", "zorblax"]).run() }) {
            guard case .unknownConcept(let concept, let word, let known) = $0 else { return false }
            return concept == "zorblax" && word == "zorblax" && !known.isEmpty
        }
        refuses({ try erase(["--concept", "star", "--other", "blorp"]).run() }) {
            guard case .unknownConcept(let concept, _, _) = $0 else { return false }
            return concept == "blorp"
        }
        refuses({ try erase(["--concept", " "]).run() }) { $0 == .emptyConcept(option: "--concept") }
        refuses({ try erase(["--concept", "star", "--replacement", ""]).run() }) {
            $0 == .emptyDescription(option: "--replacement", concept: "star")
        }
        #expect(throws: (any Error).self) { try erase(["--concept", "star", "--replacement", "a blob", "--neutral"]) }
    }
}
