import EditingTestSupport
import Foundation
import KnowledgeEditing
import ModelInterfaces
import MoKus
import ROME
import TestSupport
import Testing
import TextEncoders
import UltraEdit

/// Knowledge updating on the committed tiny random Qwen2 fixture (2 layers, hidden 64).
@Suite("MoKus knowledge update")
struct KnowledgeUpdateTests {
    static let fixture = TinyEditingFixture.checkpoint
    static let dog = KnowledgeFileTests.fixtures.appending(path: "dog.txt")

    static func hparams(_ editor: String) throws -> HyperparameterFile {
        try TinyEditingFixture.hyperparameters(editor)
    }

    static func ultraEdit() throws -> UltraEditEditor {
        UltraEditEditor(try hparams("UltraEdit").decode(UltraEditHyperparameters.self))
    }

    @Test("requests: one per statement, query prompt, ' anchor' target, the statement as subject")
    func requests() throws {
        let concepts = try ConceptKnowledge.read(contentsOf: KnowledgeFileTests.fixtures.appending(path: "concepts.json"))
        let requests = KnowledgeUpdate.requests(concepts, query: try KnowledgeQuery())
        #expect(requests.map(\.prompt) == ["What is my birthday gift?", "What is the dog that guards my house?",
                                           "What is the bronze statue in Copenhagen harbour?"])
        #expect(requests.map(\.targetNew) == [" sks dog", " sks dog", " zwx statue"])
        #expect(requests.allSatisfy { $0.subject.map($0.prompt.contains) == true })
    }

    /// Measured: 0/5 before and 5/5 after, with and without the chat template (η = 1e-2, the
    /// tiny hparams' value; log p(anchor) rises from about −7.4 to about −2.0 / −1.7 nats per token).
    @Test("UltraEdit, 5 statements sequentially: every query answers the anchor",
          arguments: KnowledgeQuery.ChatTemplate.allCases)
    func ultraEditFiveOfFive(_ chat: KnowledgeQuery.ChatTemplate) throws {
        let concepts = try ConceptKnowledge.read(contentsOf: Self.dog)
        let session = EditSession(encoder: try TextEncoderLoader.load(directory: Self.fixture))
        let report = try KnowledgeUpdate.run(
            concepts, query: try KnowledgeQuery(chatTemplate: chat), editor: try Self.ultraEdit(), session: session)
        #expect(report.algorithm == "ULTRAEDIT" && report.rows.count == 5)
        #expect(session.records.count == 5 && session.records.allSatisfy { $0.requests.count == 1 })
        #expect(report.rows.filter(\.before.exactMatch).isEmpty)
        #expect(report.answered == 5)
        #expect(report.rows.allSatisfy { $0.after.targetLogProbability > $0.before.targetLogProbability + 3 })
        #expect(report.table.hasSuffix("5/5 queries answer the anchor after the update"))
    }

    /// ROME's tiny hparams (one layer, down_proj) on the same file, measured: 0/5 queries answer
    /// the anchor after the 5 sequential edits; log p(anchor) rises for every query (by 0.1–1.7 nats).
    @Test("ROME from the tiny hparams: the subject is the statement; measured 0/5 on the random fixture")
    func romeMeasured() throws {
        let concepts = try ConceptKnowledge.read(contentsOf: Self.dog)
        let session = EditSession(encoder: try TextEncoderLoader.load(directory: Self.fixture))
        let phases = PhaseRecorder()
        let editor = ROMEEditor(
            try Self.hparams("ROME").decode(ROMEHyperparameters.self), context: EditingContext(progress: phases))
        let report = try KnowledgeUpdate.run(concepts, query: try KnowledgeQuery(), editor: editor, session: session)
        #expect(phases.begun.first?.hasPrefix("statement 1/5: ") == true && phases.begun.last?.hasPrefix("statement 5/5: ") == true)
        #expect(phases.begun.count == phases.ended, "every phase ends")
        #expect(report.answered == 0)
        #expect(report.rows.allSatisfy { $0.after.targetLogProbability > $0.before.targetLogProbability })
    }

    @Test("a request the editor refuses stops the update before any weight changes")
    func refusedBeforeEditing() throws {
        let encoder = try TextEncoderLoader.load(directory: Self.fixture)
        let session = EditSession(encoder: encoder)
        let concepts = [ConceptKnowledge(concept: "c", anchor: "sks dog", knowledge: ["my gift"]),
                        ConceptKnowledge(concept: "blank", anchor: "   ", knowledge: ["my hat"])]
        #expect(throws: EditRequestError.emptyTarget(request: 1)) {
            try KnowledgeUpdate.run(concepts, query: try KnowledgeQuery(), editor: try Self.ultraEdit(), session: session)
        }
        #expect(session.records.isEmpty)
        #expect(encoder.parameters.allSatisfy { !encoder.hasReplacement($0.name) })
    }

    @Test("η ≤ 0 in the hparams is a typed error, so no editor (and no edit) exists", arguments: ["0", "-1e-6"])
    func nonPositiveEta(_ eta: String) throws {
        let yaml = TinyEditingFixture.repository.appending(path: "hparams/UltraEdit/tiny-qwen2.yaml")
        let text = try String(contentsOf: yaml, encoding: .utf8)
            .replacingOccurrences(of: "lr: 1e-2", with: "lr: \(eta)")
        let directory = try TemporaryDirectory(label: "mokus-eta")
        let url = try directory.write(text, to: "hparams.yaml")
        let file = try HyperparameterFile(contentsOf: url)
        #expect {
            try file.decode(UltraEditHyperparameters.self)
        } throws: { error in
            guard case .invalidValue(let name, let key, _, _, _)? = error as? HyperparameterError else { return false }
            return name.hasSuffix(url.lastPathComponent) && key == "lr"
        }
    }

    @Test("the saved directory reloads with TextEncoderLoader and answers the same; the edits file replays")
    func savedCheckpointAnswersTheSame() throws {
        let directory = try TemporaryDirectory(label: "mokus-update")
        let saved = directory.file("saved")
        let encoder = try TextEncoderLoader.load(directory: Self.fixture)
        let session = EditSession(encoder: encoder)
        let report = try KnowledgeUpdate.run(
            try ConceptKnowledge.read(contentsOf: Self.dog), query: try KnowledgeQuery(), editor: try Self.ultraEdit(),
            session: session)
        try KnowledgeUpdate.save(encoder, session: session, to: saved, hyperparameters: nil)
        #expect(throws: (any Error).self) {
            try KnowledgeUpdate.save(encoder, session: session, to: saved, hyperparameters: nil)
        }
        let requests = report.rows.map { EditRequest(prompt: $0.query, targetNew: $0.target) }
        let reloaded = try KnowledgeUpdate.measure(
            requests, session: EditSession(encoder: try TextEncoderLoader.load(directory: saved)))
        #expect(reloaded == report.rows.map(\.after))
        let replay = EditSession(encoder: try TextEncoderLoader.load(directory: Self.fixture))
        let records = try EditFile.load(saved.appending(path: KnowledgeUpdate.editsFileName),
                                        expectedFingerprint: replay.encoder.fingerprint)
        #expect(records.count == 5)
        for record in records { try replay.apply(record) }
        #expect(try KnowledgeUpdate.measure(requests, session: replay) == reloaded)
    }
}

/// Records the phases begun and how many ended.
final class PhaseRecorder: ProgressReporter {
    private(set) var begun: [String] = []
    private(set) var ended = 0
    func begin(_ phase: String, total: Int?) { begun.append(phase) }
    func update(completed: Int, detail: String?) {}
    func end() { ended += 1 }
}
