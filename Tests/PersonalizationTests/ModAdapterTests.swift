import Foundation
import Generators
@testable import Personalization
import Tensors
import TestSupport
import Testing
import Training

/// Mod-Adapter's network and objectives: gradients against finite differences for every routing,
/// k-means routing, and the per-sample modulation the diffusion stage builds.
@Suite("Mod-Adapter")
struct ModAdapterTests {
    /// A small network: C = 5 feature channels, E = 6, d = 4, hidden 5, D = `output`, N = `queries`, 3 experts.
    static func network(_ routing: ModAdapterRouting, output: Int = 7, queries: Int = 3, text: Int = 6) -> ModAdapterNetwork {
        ModAdapterNetwork(configuration: ModAdapterConfiguration(
            imageChannels: 5, textWidth: text, attentionWidth: 4, hiddenWidth: 5, outputWidth: output, queries: queries,
            experts: 3, routing: routing))
    }

    /// Random values for every parameter (the zero-initialised output layers too, so all get gradients).
    static func randomParameters(_ network: ModAdapterNetwork, seed: UInt64) -> [Tensor] {
        var random = RandomGenerator(seed: seed)
        return network.parameterShapes.map { random.normal($0.1, standardDeviation: 0.5) }
    }

    @Test("Δ's gradients in every parameter match finite differences", arguments: ModAdapterRouting.allCases)
    func networkGradients(routing: ModAdapterRouting) throws {
        let network = Self.network(routing)
        var random = RandomGenerator(seed: 4)
        let (features, neutral) = (random.normal([9, 5]), random.normal([6]))
        let names = network.parameterShapes.map(\.0)
        let report = GradientCheck.check(Self.randomParameters(network, seed: 1), step: 1e-2) { values in
            network(Dictionary(uniqueKeysWithValues: zip(names, values)), features: features, neutral: neutral, expert: 2)
        }
        #expect(report.maxRelativeError <= 1e-2, "\(report)")
    }

    @Test("fresh parameters predict Δ = 0; the block queries start as sinusoids")
    func initialValues() {
        let network = Self.network(.kmeans)
        let parameters = Dictionary(uniqueKeysWithValues: network.initialParameters(seed: 0))
        var random = RandomGenerator(seed: 2)
        let delta = network(parameters, features: random.normal([9, 5]), neutral: random.normal([6]), expert: 1)
        #expect(delta.shape == [3, 7] && delta.scalars.allSatisfy { $0 == 0 })
        #expect(parameters["query.position"]!.scalars.prefix(4) == [0, 1, 0, 1])
    }

    @Test("k-means finds separated clusters, is seeded, and routes to the nearest centroid")
    func kmeans() {
        let rows: [[Float]] = [[0, 0], [0.1, 0], [0, 0.1], [5, 5], [5.1, 5], [-5, 5], [-5, 5.2]]
        let fitted = KMeans(rows: rows, k: 3, seed: 9)
        #expect(fitted == KMeans(rows: rows, k: 3, seed: 9))
        let groups = rows.map(fitted.nearest)
        #expect(groups[0] == groups[1] && groups[1] == groups[2] && groups[3] == groups[4] && groups[5] == groups[6])
        #expect(Set([groups[0], groups[3], groups[5]]).count == 3)
        let centre = fitted.centroids[groups[3]]
        #expect(abs(centre[0] - 5.05) < 1e-5 && abs(centre[1] - 5) < 1e-5)
        #expect(KMeans(rows: [[1, 1], [1, 1]], k: 2, seed: 0).nearest([1, 1]) == 0)
    }

    @Test("per-sample placements equal batch copies of one prompt's")
    func perSampleModulation() {
        var random = RandomGenerator(seed: 5)
        let placements = [
            PromptModulation.Placement(delta: random.normal([4]), blockDeltas: nil, spans: [1..<3]),
            PromptModulation.Placement(delta: random.normal([4]), blockDeltas: random.normal([2, 4]), spans: [4..<5]),
        ]
        let copies = PromptModulation(placements: placements).modulation(batch: 2, textLength: 6, width: 4, layers: 2)
        let samples = PromptModulation.modulation(samples: [placements, placements], textLength: 6, width: 4, layers: 2)
        #expect(copies.delta.scalars == samples.delta.scalars && copies.mask.scalars == samples.mask.scalars)
        #expect(copies.blockDeltas!.map(\.scalars) == samples.blockDeltas!.map(\.scalars))
    }

    /// Two examples on the tiny diffusers transformer fixture (E = 64, D = 48, 2 blocks).
    static func data() -> ModAdapterData {
        var random = RandomGenerator(seed: 8)
        func example(_ words: [String], spans: [[Range<Int>]], length: Int) -> ModAdapterData.Example {
            ModAdapterData.Example(
                features: random.normal([4, 5]), latents: random.normal([1, 4, 16]), prompt: random.normal([length, 64]),
                words: words, spans: spans, targets: words.map { _ in random.normal([48]) })
        }
        return ModAdapterData(
            examples: [example(["red", "star"], spans: [[1..<2], [3..<5]], length: 6), example(["blue"], spans: [[0..<2]], length: 4)],
            neutral: ["red": random.normal([64]), "star": random.normal([64]), "blue": random.normal([64])],
            imageShape: PackedImageShape(height: 2, width: 2))
    }

    @Test("the alignment and diffusion losses' gradients match finite differences", arguments: [false, true])
    func objectiveGradients(perBlock: Bool) throws {
        let transformer = try QwenImageTransformer(directory: TokenVerseObjectiveTests.transformer)
        let network = Self.network(.kmeans, output: 48, queries: perBlock ? 2 : 1, text: 64)
        let predictor = ModAdapterPredictor(network: network, data: Self.data(), experts: ["red": 0, "star": 2, "blue": 1])
        let start = Self.randomParameters(network, seed: 3).map { $0 * 0.5 }
        let alignment = ModAdapterAlignmentObjective(predictor: predictor)
        let aligned = GradientCheck.check(start, step: 1e-2) { values in
            (try? alignment.loss(parameters: values, examples: [0, 1]).value) ?? Tensor(.nan)
        }
        #expect(aligned.maxRelativeError <= 2e-2, "\(aligned)")
        let diffusion = ModAdapterDiffusionObjective(
            predictor: predictor, transformer: transformer, options: RectifiedFlowOptions(), baseFingerprint: "test")
        let diffused = GradientCheck.check(start, step: 3e-2) { values in
            (try? diffusion.loss(parameters: values, examples: [0, 1], step: 3).value) ?? Tensor(.nan)
        }
        #expect(diffused.maxRelativeError <= 3e-2, "\(diffused)")
    }
}
