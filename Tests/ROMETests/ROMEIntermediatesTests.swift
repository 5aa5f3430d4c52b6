import KnowledgeEditing
@testable import ROME
import Tensors
import Testing

@Suite("ROME: intermediates")
struct ROMEIntermediatesTests {
    @Test("u is the unit right factor and v* the target of the update, recorded without changing the deltas")
    func uAndTarget() throws {
        let c = ROMETests.cases[0]
        let encoder = try ROMETests().load(c)
        var editor = try ROMETests().editor(c, steps: 5)
        let plain = try editor.edit([ROMETests.request], encoder: encoder, state: EditState(modelFingerprint: "test"))
        editor.recordsIntermediates = true
        let recorded = try editor.edit([ROMETests.request], encoder: encoder, state: EditState(modelFingerprint: "test"))
        #expect(plain.intermediates.isEmpty)
        #expect(plain.deltas.count == 1 && recorded.deltas.count == 1)
        #expect(recorded.deltas[0].dense.scalars == plain.deltas[0].dense.scalars)
        let module = "model.layers.0.mlp.down_proj"
        #expect(Set(recorded.intermediates.keys) == ["\(module).u", "\(module).v_star"])
        let u = try #require(recorded.intermediates["\(module).u"])
        #expect(u.shape == [128] && abs(u.squared().sum().item - 1) < 1e-5)
        guard case .lowRank(_, let right) = recorded.deltas[0].value else { Issue.record("rank-one update expected"); return }
        #expect(right.scalars == u.scalars)
        #expect(recorded.intermediates["\(module).v_star"]?.scalars == recorded.diagnostics[0].vectors["layer0.target"])
    }
}
