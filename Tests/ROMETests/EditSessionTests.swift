import Foundation
import KnowledgeEditing
import ModelInterfaces
@testable import ROME
import Tensors
import TestSupport
import Testing
import TextEncoders

/// Applying, undoing, saving and re-applying edits (with ROME producing them).
@Suite("Edit sessions")
struct EditSessionTests {
    static let requests = [
        EditRequest(prompt: "The red apple is on the", targetNew: "table", subject: "The red apple"),
        EditRequest(prompt: "Zürich is a city in", targetNew: "Japan", subject: "Zürich"),
    ]

    func rome() throws -> ROMEEditor {
        ROMEEditor(try ROMETests.hyperparameters(ROMETests.cases[0], steps: 8))
    }

    func load() throws -> TransformerTextEncoder {
        try TextEncoderLoader.load(directory: ROMETests.fixtures.appending(path: "qwen2"))
    }

    @Test("undo restores the weights bit-exactly, one edit or all")
    func undo() throws {
        let encoder = try load()
        let session = EditSession(encoder: encoder)
        let name = "model.layers.0.mlp.down_proj.weight"
        let base = try encoder.parameter(name).scalars
        try session.apply(try rome(), requests: [Self.requests[0]])
        let afterFirst = try encoder.parameter(name).scalars
        try session.apply(try rome(), requests: [Self.requests[1]])
        #expect(try encoder.parameter(name).scalars != afterFirst)
        try session.undo()
        #expect(try encoder.parameter(name).scalars == afterFirst)
        try session.reset()
        #expect(try encoder.parameter(name).scalars == base)
        #expect(encoder.replacedParameters.isEmpty && session.records.isEmpty)
    }

    @Test("a session without history gives the same weights, keeps no records, and refuses undo and saving")
    func withoutHistory() throws {
        let kept = try load(), dropped = try load()
        let keeping = EditSession(encoder: kept), dropping = EditSession(encoder: dropped, keepsHistory: false)
        for request in Self.requests {
            try keeping.apply(try rome(), requests: [request])
            try dropping.apply(try rome(), requests: [request])
        }
        let name = "model.layers.0.mlp.down_proj.weight"
        #expect(try dropped.parameter(name).scalars == kept.parameter(name).scalars)
        #expect(dropping.records.isEmpty && dropping.appliedCount == 2 && keeping.appliedCount == 2)
        #expect(throws: EditSession.Error.historyNotKept(applied: 2)) { try dropping.undo() }
        let file = FileManager.default.temporaryDirectory.appending(path: "mokus-edits-\(UUID().uuidString).safetensors")
        #expect(throws: EditSession.Error.historyNotKept(applied: 2)) { try EditFile.save(dropping, to: file) }
        #expect(!FileManager.default.fileExists(atPath: file.path(percentEncoded: false)))
    }

    @Test("saved edits re-applied to the base model give identical logits; another base is refused")
    func saveAndReapply() throws {
        let encoder = try load()
        let session = EditSession(encoder: encoder)
        for request in Self.requests { try session.apply(try rome(), requests: [request]) }
        let batch = TokenBatch([try encoder.tokenize(Self.requests[0].prompt)])
        let edited = try encoder.forward(batch).logits.scalars
        let directory = try TemporaryDirectory(label: "mokus-edits")
        let file = directory.file("edits.safetensors")
        session.state.tensors["normaliser"] = Tensor(shape: [3], scalars: [1, 2, 3])   // persistent editor state
        try EditFile.save(session, to: file, hyperparameters: "alg_name: ROME\n")

        let fresh = try load()
        let replay = EditSession(encoder: fresh)
        try EditFile.resume(file, into: replay)
        #expect(replay.state.tensors["normaliser"]?.scalars == [1, 2, 3])
        #expect(try fresh.forward(batch).logits.scalars == edited)
        #expect(replay.records.map(\.requests) == session.records.map(\.requests))
        #expect(throws: EditFile.Error.differentBaseModel(file: file.path(percentEncoded: false), expected: "other", found: fresh.fingerprint)) {
            try EditFile.load(file, expectedFingerprint: "other")
        }
    }
}

@Suite("Edit evaluation")
struct EditEvaluationTests {
    @Test("pre/post metrics: rewrite accuracy rises, unrelated locality predictions stay, the summary names both phases")
    func prePost() throws {
        let encoder = try TextEncoderLoader.load(directory: ROMETests.fixtures.appending(path: "qwen2"))
        var request = ROMETests.request
        request.rephrasePrompts = ["On the table lies the red apple, which is on the"]
        request.locality = ["neighborhood": [PromptAnswer(prompt: "Zürich café:", answer: "open")]]
        request.portability = ["reasoning": [PromptAnswer(prompt: "The red apple lies on a", answer: "table")]]
        let pre = try EditEvaluation.measure(request, encoder: encoder)
        let session = EditSession(encoder: encoder)
        try session.apply(try ROMETests().editor(ROMETests.cases[0]), requests: [request])
        let post = try EditEvaluation.measure(request, encoder: encoder)
        let report = EditEvaluation.report(request, pre: pre, post: post)
        #expect(pre.rewriteAccuracy < 1 && post.rewriteAccuracy == 1 && post.rewriteExactMatch)
        #expect(post.rewritePerplexity < pre.rewritePerplexity)
        #expect(report.locality["neighborhood"]! >= 0.5)
        let summary = EditEvaluation.summary([report])
        #expect(Set(summary.keys).isSuperset(of: ["pre.rewrite_acc", "post.rewrite_acc", "post.rephrase_acc",
                                                    "post.locality.neighborhood", "post.portability.reasoning"]))
        #expect(EditEvaluation.table(summary).contains("post.rewrite_exact_match"))
        let json = try JSONEncoder().encode(report)
        #expect(try JSONDecoder().decode(EditEvaluation.RequestReport.self, from: json) == report)
    }
}
