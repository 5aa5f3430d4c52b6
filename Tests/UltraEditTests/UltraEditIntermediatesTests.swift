import EditingTestSupport
import KnowledgeEditing
import Tensors
import Testing
@testable import UltraEdit

@Suite("UltraEdit: intermediates")
struct UltraEditIntermediatesTests {
    @Test("keys, gradients and the normaliser of every module are recorded without changing the deltas")
    func keysGradientsNormalizer() throws {
        let encoder = try Fixture.encoder()
        let requests = Array(Fixture.requests.prefix(2))
        var editor = UltraEditEditor(try Fixture.hyperparameters())
        let plain = try editor.edit(requests, encoder: encoder, state: EditState(modelFingerprint: "test"))
        editor.recordsIntermediates = true
        let state = EditState(modelFingerprint: "test")
        let recorded = try editor.edit(requests, encoder: encoder, state: state)
        #expect(plain.intermediates.isEmpty)
        #expect(recorded.hasSameDeltas(as: plain))
        let modules = editor.hyperparameters.innerParameters
        #expect(Set(recorded.intermediates.keys) == Set(modules.flatMap { module in
            ["keys", "gradients", "normalizer_mean", "normalizer_std"].map { "\(module).\($0)" }
        }))
        let rows = recorded.diagnostics.reduce(0) { $0 + Int($1.values["rows"]!) }
        for module in modules {
            #expect(recorded.intermediates["\(module).keys"]?.shape == [rows, 64])
            #expect(recorded.intermediates["\(module).gradients"]?.shape == [rows, 128])
        }
        // The normaliser recorded is the one written to the state (Float32 either way).
        let mean = try #require(recorded.intermediates["\(modules[0]).normalizer_mean"])
        #expect(mean.scalars == state.tensors[LifelongNormalizer.stateNames(keyWidth: 64, valueWidth: 128).mean]?.scalars)
    }
}
