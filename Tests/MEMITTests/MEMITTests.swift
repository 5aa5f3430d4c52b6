import EditingTestSupport
import Foundation
import KnowledgeEditing
@testable import MEMIT
import ModelInterfaces
import Tensors
import Testing
import TextEncoders

@Suite("MEMIT")
struct MEMITTests {
    static let fixture = TinyEditingFixture.checkpoint
    static let requests = TinyEditingFixture.facts

    /// C = E[k kᵀ] of `module`'s input over every token of a few token sequences.
    static func secondMoment(_ encoder: any TextEncoder, module: String) throws -> Tensor {
        var rng = RandomGenerator(seed: 11)
        let sequences = (0..<16).map { _ in rng.integers(24, in: 0..<1024) }
        var hooks = ForwardHooks()
        hooks.capture(module, .input)
        hooks.stopAfter = module
        let keys = try encoder.forward(TokenBatch(sequences), hooks: hooks).captures[ModulePoint(module, .input)]!
        return keys.matmul(keys, transposeSelf: true) / Float(keys.shape[0])
    }

    /// hparams/MEMIT/tiny-qwen2.yaml with λ = `covarianceWeight`.
    func editor(_ encoder: any TextEncoder, covarianceWeight: Double) throws -> MEMITEditor {
        let c = try Self.secondMoment(encoder, module: "model.layers.0.mlp.down_proj")
        var h = try TinyEditingFixture.hyperparameters("MEMIT").decode(MEMITHyperparameters.self)
        h.covarianceUpdateWeight = covarianceWeight
        return MEMITEditor(h, secondMoment: { _ in c })
    }

    /// MEMIT's guarantee: with a small λ the update maps each request's (template-averaged) key
    /// K to its share of the residual, Δ K ≈ R = Z − Z_cur (one layer, so the whole residual),
    /// and the targets become more likely on average. On this random 2-layer fixture the z optimisation
    /// plateaus (the last block's attention dilutes the subject token), so the acceptance point
    /// "rewrite accuracy ≥ 0.9 for 8 edits" is asserted on the trained fixture instead
    /// (``MEMITTrainedFixtureTests``).
    @Test("a batch of 8 edits: Δ K = Z − Z_cur, and the targets become more likely")
    func batchOfEight() throws {
        let encoder = try TextEncoderLoader.load(directory: Self.fixture)
        let pairs = Self.requests.map { ($0.prompt, $0.targetNew) }
        let prompts = try Self.requests.enumerated().map { try SubjectPrompt($0.element, index: $0.offset, encoder: encoder) }
        let before = try TeacherForcing.score(pairs, encoder: encoder)
        let memit = try editor(encoder, covarianceWeight: 1e-3)
        let keys = try SubjectKeys.groupedKeys(prompts, templates: memit.hyperparameters.contextTemplates!,
                                                module: "model.layers.0.mlp.down_proj", encoder: encoder)   // [8, 128]
        let current = try SubjectKeys.bareKeysAndOutputs(prompts, module: "model.layers.0", encoder: encoder).outputs
        let session = EditSession(encoder: encoder)
        let result = try session.apply(memit, requests: Self.requests)
        #expect(result.deltas.count == 1 && result.diagnostics.count == 8)
        guard case .lowRank(let left, let right) = result.deltas[0].value else { Issue.record("rank-n update expected"); return }
        #expect(left.shape == [64, 8] && right.shape == [8, 128])
        let z = Tensor(shape: [8, 64], scalars: result.diagnostics.flatMap { $0.vectors["target"]! })
        let residual = z - current                                              // [8, 64]
        let written = keys.matmul(result.deltas[0].dense, transposeOther: true)  // K Δᵀ: [8, 64]
        let error = (written - residual).squared().sum().item.squareRoot() / residual.squared().sum().item.squareRoot()
        #expect(error < 0.05, "‖ΔK − R‖ / ‖R‖ = \(error)")
        let after = try TeacherForcing.score(pairs, encoder: encoder)
        let gain = zip(before, after).map { $1.meanLogProbability - $0.meanLogProbability }
        // On average (two of the eight random-model prompts lose a little: their bare-prompt key
        // differs from the template-averaged key the update is fitted to).
        #expect(gain.reduce(0, +) / Float(gain.count) > 0.3, "log-probability gains \(gain)")
    }

    @Test("the solve equals the normal equations' closed form")
    func solve() throws {
        var rng = RandomGenerator(seed: 3)
        let keys = rng.normal([3, 5]), c = Tensor(shape: [5, 5], scalars: (0..<25).map { $0 % 6 == 0 ? 2 : 0 })   // 2·I
        let a = try MEMITEditor.solve(keys: keys, secondMoment: c, weight: 0.5)   // (0.5·2I + KᵀK)⁻¹Kᵀ
        let system = keys.matmul(keys, transposeSelf: true) + c * 0.5
        let residual = system.matmul(a) - keys.transposedLast
        #expect(residual.abs().max(axis: 0).max(axis: 0).item < 1e-4)
    }
}
