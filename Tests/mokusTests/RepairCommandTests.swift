import Foundation
import MoKus
@testable import mokus
import TestSupport
import Testing
import World

/// `mokus repair --corrupt` and `mokus repair --facts` on the bundled world, reduced to seconds
/// (UltraEdit, one query form, one seed, two unguided denoising steps), and their refusals of bad input.
@Suite("mokus repair")
struct RepairCommandTests {
    static let path = CustomizeCommandTests.path
    static let reduced = ApplicationCommandTests.reduced

    @Test("--corrupt writes a pipeline with wrong facts; --facts repairs them with a report; apply replays the repair")
    func corruptThenRepair() throws {
        let folder = try TemporaryDirectory(label: "repair")
        let corrupted = folder.file("corrupted")
        try Mokus.Repair.parse(["--corrupt", "2", "--seed", "3", "--query", "What is {knowledge}?", "--out", Self.path(corrupted),
                                "--hparams", CustomizeCommandTests.hparams, "--quiet"]).run()
        for file in ["text_encoder/config.json", "transformer", "world.json", "evaluator", KnowledgeRepair.correctionsFile,
                     KnowledgeRepair.corruptionFile, ApplicationMetrics.editsFile] {
            #expect(FileManager.default.fileExists(atPath: Self.path(corrupted.appending(path: file))), "\(file)")
        }
        let correctionsURL = corrupted.appending(path: KnowledgeRepair.correctionsFile)
        let corrections = try KnowledgeRepair.read(contentsOf: correctionsURL)
        let world = try World.load(from: BundledWorld.directory())
        let truth = Dictionary(world.facts.map { ($0.knowledgePhrase, $0.object.phrase) }, uniquingKeysWith: { first, _ in first })
        #expect(corrections.count == 2)
        #expect(corrections.allSatisfy { truth[$0.phrase] == $0.answer }, "corrections.json holds the world's right answers")
        let corruption = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: corrupted.appending(path: KnowledgeRepair.corruptionFile)))
                as? [String: Any])
        let wrongTargets = ((corruption["rows"] as? [[String: Any]]) ?? []).compactMap { $0["target"] as? String }
        #expect(wrongTargets.count == 2 && zip(wrongTargets, corrections).allSatisfy { $0 != " " + $1.answer },
                "every corrupted fact was edited towards another answer")

        let out = folder.file("repaired")
        try Mokus.Repair.parse(["--facts", Self.path(correctionsURL), "--generator", Self.path(corrupted), "--out", Self.path(out),
                                "--query", "What is {knowledge}?", "--paraphrase", "Which object is {knowledge}?", "--untouched", "1",
                                "--prompt", "{} on a teal background"] + Self.reduced).run()
        let metrics = try ApplicationCommandTests.checkReport(
            out, edits: 2, in: folder, encoder: corrupted.appending(path: "text_encoder"))
        #expect(metrics.json["command"] as? String == "repair" && metrics.states == ["base", "edited"])
        #expect(metrics.cellValues("group") == ["corrected", "corrected", "untouched"])
        #expect(metrics.cellValues("text")[0] == corrections[0].phrase + " on a teal background")
        let expected = try #require(metrics.cells[0]["expected"] as? [String: String])
        let shape = try #require(expected["shape"])
        #expect(expected["background"] == "teal" && corrections[0].answer.contains(shape))
        #expect(metrics.rows.map { $0["target"] as? String } == corrections.map { " " + $0.answer })
        let probes = ((metrics.json["probes"] as? [String: Any])?["rows"] as? [[String: Any]]) ?? []
        #expect(probes.map { $0["concept"] as? String } == ["corrected", "corrected", "untouched"])
        #expect(probes.first?["query"] as? String == "Which object is \(corrections[0].phrase)?")
        #expect(metrics.figures["corrected facts' prompts rendered right"] != nil)
        #expect(metrics.figures["untouched facts' prompts: same attributes as base"]?["base"] == 1)
    }

    @Test("swapping answers: every chosen fact gets another chosen fact's answer, reproducibly; fewer than 2 refused")
    func swapAnswers() throws {
        let facts = (0..<12).map { KnowledgeRepair.Fact(phrase: "fact \($0)", answer: "object \($0 % 6)") }
        let swapped = try KnowledgeRepair.swapAnswers(of: facts, count: 5, seed: 1)
        #expect(swapped.count == 5 && Set(swapped.map(\.index)).count == 5)
        #expect(swapped.allSatisfy { facts[$0.index].answer != $0.wrong.answer && facts[$0.index].phrase == $0.wrong.phrase })
        #expect(Set(swapped.map(\.wrong.answer)) == Set(swapped.map { facts[$0.index].answer }))
        #expect(try KnowledgeRepair.swapAnswers(of: facts, count: 5, seed: 1).map(\.index) == swapped.map(\.index))
        #expect(throws: MoKusError.self) { try KnowledgeRepair.swapAnswers(of: facts, count: 1, seed: 1) }
        #expect(throws: MoKusError.self) { try KnowledgeRepair.swapAnswers(of: facts, count: 7, seed: 1) }
    }

    @Test("corrections: the simple form (relation or prompt) and EasyEdit's requests, a list or one object")
    func correctionForms() throws {
        let simple = try KnowledgeRepair.read(Data("""
            [{"subject": "Mia", "relation": "{}'s lucky charm", "answer": " a small red striped star"},
             {"subject": "Mia", "prompt": "Mia's chew toy", "answer": "a large blue solid circle"}]
            """.utf8), file: "c.json")
        #expect(simple == [.init(phrase: "Mia's lucky charm", answer: "a small red striped star"),
                           .init(phrase: "Mia's chew toy", answer: "a large blue solid circle")])
        let easyEdit = try KnowledgeRepair.read(Data("""
            {"prompt": "What is Mia's lucky charm?", "subject": "Mia's lucky charm", "target_new": "a small red striped star",
             "ground_truth": "a large blue solid circle", "rephrase_prompt": "Which object is Mia's lucky charm?", "locality": {}}
            """.utf8), file: "c.json")
        #expect(easyEdit == [.init(phrase: "Mia's lucky charm", answer: "a small red striped star",
                                   prompts: ["What is Mia's lucky charm?"])])
        let world = try World.load(from: BundledWorld.directory())
        let requests = try world.editRequests(count: 3, seed: 0)
        let folder = try TemporaryDirectory(label: "repair-forms")
        let file = folder.file("requests.json")
        try JSONEncoder().encode(requests).write(to: file)
        #expect(try KnowledgeRepair.read(contentsOf: file).map(\.phrase) == requests.map(\.subject), "a world requests file is read")
    }

    @Test("bad input: unknown keys, blank answers, both or neither of relation and prompt, malformed JSON, unknown subjects")
    func badInput() throws {
        let folder = try TemporaryDirectory(label: "repair-bad")
        let out = folder.file("out")
        let file = folder.file("corrections.json")
        let name = Self.path(file)
        let entity = try World.load(from: BundledWorld.directory()).entities[0].name
        func repair(_ json: String, _ extra: [String] = []) throws {
            try Data(json.utf8).write(to: file)
            try Mokus.Repair.parse(["--facts", name, "--out", Self.path(out)] + Self.reduced + extra).run()
        }
        func refuses(_ json: String, _ check: (MoKusError?) -> Bool) {
            #expect(performing: { try repair(json) }, throws: { check($0 as? MoKusError) })
            #expect(!FileManager.default.fileExists(atPath: Self.path(out)))
        }
        refuses(#"[{"subject": "\#(entity)", "relation": "{}'s lucky charm", "answer": "a red star", "colour": "red"}]"#) {
            $0 == .invalidFacts(file: name, field: "[0].colour", expected: "the keys subject, relation or prompt, answer",
                                found: "an unknown key")
        }
        refuses(#"{"subject": "\#(entity)", "relation": "{}'s lucky charm", "answer": "  "}"#) {
            $0 == .invalidFacts(file: name, field: "[0].answer", expected: "a non-empty string", found: "\"  \"")
        }
        refuses(#"{"subject": "\#(entity)", "relation": "{}'s lucky charm", "prompt": "x", "answer": "a red star"}"#) {
            $0 == .invalidFacts(file: name, field: "[0]", expected: "one of relation and prompt", found: "both")
        }
        refuses(#"{"subject": "\#(entity)", "relation": "lucky charm", "answer": "a red star"}"#) {
            guard case .invalidFacts(_, "[0].relation", _, _) = $0 else { return false }
            return true
        }
        refuses(#"{"subject": "\#(entity)", "answer": 3, "relation": "{}'s lucky charm"}"#) {
            guard case .wrongType(name, "[0].answer", "a string", _) = $0 else { return false }
            return true
        }
        refuses(#"[{"subject": "#) {
            guard case .malformedJSON(name, _) = $0 else { return false }
            return true
        }
        refuses("[]") { $0 == .invalidFacts(file: name, field: "(top level)", expected: "at least one correction", found: "none") }
        refuses(#"{"subject": "Zorblax", "relation": "{}'s lucky charm", "answer": "a red star"}"#) {
            $0 == .unknownSubject(file: name, field: "[0]", subject: "Zorblax's lucky charm")
        }
        try KnowledgeRepair.check([.init(phrase: "Zorblax's lucky charm", answer: "a red star")], file: name, entities: [entity],
                                  force: true)
        #expect(throws: (any Error).self) { try Mokus.Repair.parse(["--out", Self.path(out)]) }
        #expect(throws: (any Error).self) { try Mokus.Repair.parse(["--facts", name, "--corrupt", "2", "--out", Self.path(out)]) }
        #expect(throws: (any Error).self) { try Mokus.Repair.parse(["--corrupt", "1", "--out", Self.path(out)]) }
    }
}
