import EditingTestSupport
import KnowledgeEditing
@testable import MEMIT
import Tensors
import Testing
import TextEncoders

@Suite("MEMIT: intermediates")
struct MEMITIntermediatesTests {
    @Test("z and the keys are the targets and grouped keys of the edit, and recording them leaves the deltas as they were")
    func zAndKeys() throws {
        let encoder = try TextEncoderLoader.load(directory: TinyEditingFixture.checkpoint)
        let requests = Array(TinyEditingFixture.facts.prefix(2))
        var memit = try MEMITTests().editor(encoder, covarianceWeight: 1)
        let plain = try memit.edit(requests, encoder: encoder, state: EditState(modelFingerprint: "test"))
        memit.recordsIntermediates = true
        let recorded = try memit.edit(requests, encoder: encoder, state: EditState(modelFingerprint: "test"))
        #expect(plain.intermediates.isEmpty)
        #expect(recorded.hasSameDeltas(as: plain))
        let module = "model.layers.0.mlp.down_proj"
        #expect(Set(recorded.intermediates.keys) == ["z", "\(module).keys"])
        let z = try #require(recorded.intermediates["z"])
        #expect(z.shape == [2, 64] && z.scalars == recorded.diagnostics.flatMap { $0.vectors["target"]! })
        let prompts = try requests.enumerated().map { try SubjectPrompt($0.element, index: $0.offset, encoder: encoder) }
        let keys = try SubjectKeys.groupedKeys(prompts, templates: memit.hyperparameters.contextTemplates!, module: module,
                                                encoder: encoder)
        #expect(recorded.intermediates["\(module).keys"]?.scalars == keys.scalars)
    }
}
