import Foundation
import KnowledgeEditing
import Tensors
import TestSupport
import Testing
import TextEncoders
@testable import UltraEdit

/// UltraEdit on the tiny Qwen2 fixture: edits raise the targets' probabilities, the normaliser is
/// persisted in the edit state and survives a saved session, and broken inputs fail early.
@Suite("UltraEdit: edits on the tiny Qwen2 fixture")
struct UltraEditEditTests {
    @Test("an edit of 1 to 4 requests raises every target's log-probability", arguments: [1, 2, 4])
    func raisesTargets(count: Int) throws {
        let encoder = try Fixture.encoder()
        let requests = Array(Fixture.requests.prefix(count))
        let before = try Fixture.targetLogProbabilities(requests, encoder: encoder)
        let session = EditSession(encoder: encoder)
        let result = try session.apply(UltraEditEditor(try Fixture.hyperparameters()), requests: requests)
        let after = try Fixture.targetLogProbabilities(requests, encoder: encoder)
        print("UltraEdit tiny-qwen2, \(count) request(s): mean log p before \(before), after \(after)")
        #expect(zip(before, after).allSatisfy { $0 + 0.5 < $1 })
        #expect(result.deltas.count == 4 && result.diagnostics.count == count)
        #expect(result.deltas.allSatisfy { $0.shape == [128, 64] })
    }

    @Test("the normaliser is persisted in the state, order-dependent, and survives EditFile save/resume")
    func stateSurvivesSave() throws {
        let encoder = try Fixture.encoder()
        let session = EditSession(encoder: encoder)
        let editor = UltraEditEditor(try Fixture.hyperparameters())
        try session.apply(editor, requests: [Fixture.requests[0]])
        let names = LifelongNormalizer.stateNames(keyWidth: 64, valueWidth: 128)
        let first = try #require(session.state.tensors[names.count]).scalars
        try session.apply(editor, requests: [Fixture.requests[1]])
        let answerRows = Float(Fixture.requests.prefix(2).map { try! encoder.tokenize(" " + $0.targetNew).count }
            .reduce(0, +))
        // Two modules of shape 64×128 per layer, two layers: every answer row is seen 4 times.
        #expect(session.state.tensors[names.count]?.scalars == [0, answerRows * 4])
        #expect(first[1] < answerRows * 4)
        #expect(Set(session.state.tensors.keys) == [names.count, names.mean, names.sumOfSquares])

        let directory = try TemporaryDirectory(label: "ultraedit")
        let file = directory.file("edits.safetensors")
        try EditFile.save(session, to: file, hyperparameters: "alg_name: ULTRAEDIT\n")
        let fresh = try Fixture.encoder()
        let replay = EditSession(encoder: fresh)
        try EditFile.resume(file, into: replay)
        for name in [names.count, names.mean, names.sumOfSquares] {
            #expect(replay.state.tensors[name]?.scalars == session.state.tensors[name]?.scalars)
        }
        // The resumed session continues the lifelong run exactly as the original one.
        let next = [Fixture.requests[2]]
        let continued = try UltraEditEditor(try Fixture.hyperparameters()).edit(
            next, encoder: encoder, state: session.state)
        let resumed = try UltraEditEditor(try Fixture.hyperparameters()).edit(
            next, encoder: fresh, state: replay.state)
        #expect(zip(continued.deltas, resumed.deltas).allSatisfy { $0.dense.scalars == $1.dense.scalars })
    }

    @Test("token: mask caches every token of prompt + target")
    func maskRows() throws {
        let encoder = try Fixture.encoder()
        var h = try Fixture.hyperparameters()
        h.token = .mask
        let request = Fixture.requests[1]
        let result = try UltraEditEditor(h).edit([request], encoder: encoder, state: EditState(modelFingerprint: ""))
        let tokens = try encoder.tokenize(request.prompt).count + encoder.tokenize(" " + request.targetNew).count
        #expect(result.diagnostics[0].values["rows"] == Float(tokens))
    }
}
