import Foundation
import Generators
@testable import Personalization
import Tensors
import TestSupport
import Testing
import Training

/// The TokenVerse loss on the tiny diffusers transformer fixture (Tests/GeneratorsTests/Fixtures):
/// its gradients with respect to Δ and Δ_ℓ against finite differences, and the draws' seeding.
@Suite("TokenVerse objective")
struct TokenVerseObjectiveTests {
    static let transformer = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "GeneratorsTests/Fixtures/pipeline/transformer")

    /// Random data: a 2×2 packed image, a 5-token caption with words at [1, 2) and [3, 5), and one
    /// isolation pair (2×4) whose caption holds them at [0, 1) and [2, 4).
    static func objective(perBlock: Bool, isolation: Float) throws -> TokenVerseObjective {
        let model = try QwenImageTransformer(directory: transformer)
        let c = model.configuration
        var random = RandomGenerator(seed: 3)
        let pair = TokenVerseData.IsolationPair(
            latents: random.normal([1, 8, c.inChannels]), prompt: random.normal([7, c.jointAttentionDim]),
            spans: [[0..<1], [2..<4]])
        let data = TokenVerseData(
            latents: random.normal([1, 4, c.inChannels]), imageShape: PackedImageShape(height: 2, width: 2),
            prompt: random.normal([5, c.jointAttentionDim]), spans: [[1..<2], [3..<5]], isolation: [pair],
            isolationShape: PackedImageShape(height: 2, width: 4))
        return TokenVerseObjective(
            transformer: model, data: data, options: RectifiedFlowOptions(), perBlock: perBlock,
            isolationProbability: isolation, isolationWeight: 2, baseFingerprint: "test")
    }

    @Test("the diffusion + isolation loss's gradients in Δ and Δ_ℓ match finite differences", arguments: [false, true])
    func gradients(perBlock: Bool) throws {
        let objective = try Self.objective(perBlock: perBlock, isolation: 1)
        var random = RandomGenerator(seed: 11)
        let start = objective.initialParameters.map { random.normal($0.value.shape, standardDeviation: 0.3) }
        let report = GradientCheck.check(start, step: 3e-2) { values in
            (try? objective.loss(parameters: values, examples: [0, 0], step: 5).value) ?? Tensor(.nan)
        }
        #expect(report.maxRelativeError <= 2e-2, "\(report)")
    }

    @Test("the base half of an isolation pair's grid is the right columns of every row")
    func baseHalf() throws {
        let objective = try Self.objective(perBlock: false, isolation: 1)
        #expect(objective.data.baseHalfTokens == [2, 3, 6, 7])
        #expect(objective.initialParameters.map(\.name) == ["delta.0", "delta.1"])
    }

    @Test("zero Δ leaves the isolation term at zero, and a step's loss is the same when drawn again")
    func seeded() throws {
        let objective = try Self.objective(perBlock: false, isolation: 1)
        let noIsolation = try Self.objective(perBlock: false, isolation: 0)
        let zero = objective.initialParameters.map(\.value)
        let withTerm = try objective.loss(parameters: zero, examples: [0], step: 2).value.scalars
        #expect(withTerm == (try noIsolation.loss(parameters: zero, examples: [0], step: 2).value.scalars))
        var random = RandomGenerator(seed: 1)
        let moved = zero.map { random.normal($0.shape) }
        let first = try objective.loss(parameters: moved, examples: [0], step: 2).value.scalars
        #expect(first == (try objective.loss(parameters: moved, examples: [0], step: 2).value.scalars))
        #expect(first != (try noIsolation.loss(parameters: moved, examples: [0], step: 2).value.scalars))
    }
}
