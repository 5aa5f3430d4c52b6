import EditingTestSupport
import KnowledgeEditing
import Tensors
import Testing
@testable import AlphaEdit

@Suite("AlphaEdit: intermediates")
struct AlphaEditIntermediatesTests {
    @Test("z, the keys and the projector P (symmetric, idempotent, the solve's) are recorded without changing the deltas")
    func zKeysAndProjector() throws {
        let encoder = try Fixture.encoder()
        let c = try Fixture.fullRankSecondMoment(encoder)
        let requests = Array(Fixture.requests.prefix(2))
        var editor = AlphaEditEditor(try Fixture.hyperparameters(), secondMoment: { _ in c })
        let plain = try editor.edit(requests, encoder: encoder, state: EditState(modelFingerprint: "test"))
        editor.recordsIntermediates = true
        let recorded = try editor.edit(requests, encoder: encoder, state: EditState(modelFingerprint: "test"))
        #expect(plain.intermediates.isEmpty)
        #expect(recorded.hasSameDeltas(as: plain))
        let module = "model.layers.0.mlp.down_proj"
        #expect(Set(recorded.intermediates.keys) == ["z", "\(module).keys", "\(module).P"])
        #expect(recorded.intermediates["z"]?.shape == [2, 64] && recorded.intermediates["\(module).keys"]?.shape == [2, 128])
        let p = try #require(recorded.intermediates["\(module).P"])
        let expected = try NullSpaceProjector(secondMoment: c, threshold: editor.hyperparameters.nullspaceThreshold).matrix
        #expect(p.scalars == expected.scalars)
        #expect(maxAbs(p.matmul(p) - p) < 1e-5 && maxAbs(p - p.transposedLast) < 1e-6)
    }
}
