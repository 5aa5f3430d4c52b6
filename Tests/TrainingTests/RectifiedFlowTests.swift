import Foundation
import Generators
import Tensors
import TestSupport
import Testing

@testable import Training

/// The rectified-flow objective on a tiny pixel-space transformer, its σ sampling, and the
/// trainer's moving average.
@Suite("Rectified flow and EMA")
struct RectifiedFlowTests {
    /// One block of width 16 on 4×4 RGB images (codec patch 1: 2×2 tokens of 12 channels).
    static let configuration = QwenImageTransformerConfiguration(
        patchSize: 2, inChannels: 12, outChannels: 3, layerCount: 1, headDimension: 8, headCount: 2,
        jointAttentionDim: 6, rotaryAxes: [2, 2, 4])

    /// 6 images, 3 prompts of 2–4 tokens, an empty prompt of 1 token.
    static func data(seed: UInt64 = 1) -> GeneratorTrainingData {
        var random = RandomGenerator(seed: seed)
        return GeneratorTrainingData(
            images: random.uniform([6, 3, 4, 4], low: -1, high: 1),
            prompts: [2, 3, 4].map { random.normal([$0, 6]) }, promptOfImage: [0, 1, 2, 0, 1, 2],
            emptyPrompt: random.normal([1, 6]))
    }

    static func objective(dropout: Float = 0.5, sampling: TimestepSampling = .uniform) throws -> RectifiedFlowObjective {
        var options = RectifiedFlowOptions()
        options.promptDropout = dropout
        options.timestepSampling = sampling
        options.seed = 3
        return try RectifiedFlowObjective(
            configuration: configuration, codec: PixelPatchCodec(patchSize: 1), data: data(), options: options)
    }

    /// Random (not adaLN-Zero) weights, so every layer matters.
    static func weights() -> [Tensor] {
        var random = RandomGenerator(seed: 2)
        return QwenImageTransformer.parameterShapes(configuration).map { random.normal($0.1, standardDeviation: 0.3) }
    }

    @Test("the loss is mean‖v̂(x_σ, σ, prompt) − (ε − x₀)‖² with the step's draws, recomputed by hand")
    func lossByHand() throws {
        let objective = try Self.objective()
        let parameters = Self.weights()
        let examples = [4, 1, 2]
        let loss = try objective.loss(parameters: parameters, examples: examples, step: 7)
        #expect(loss.itemCount == 3)

        let draws = objective.draws(examples: examples, step: 7)
        #expect(draws.sigmas.allSatisfy { $0 > 0 && $0 <= 1 && ($0 * 1000).rounded() == $0 * 1000 })
        let model = try QwenImageTransformer(
            configuration: Self.configuration,
            parameters: Dictionary(uniqueKeysWithValues: zip(objective.parameterNames, parameters)))
        let data = Self.data()
        var total: Float = 0
        for (b, example) in examples.enumerated() {
            let clean = try LatentPacking.pack(data.images.indexSelect(axis: 0, [example]))
            let noise = draws.noise.slice(axis: 0, b..<(b + 1))
            let sigma = draws.sigmas[b]
            let prompt = draws.dropped[b] ? data.emptyPrompt : data.prompts[data.promptOfImage[example]]
            let v = try model.velocity(
                latents: clean * (1 - sigma) + noise * sigma, imageShapes: [PackedImageShape(height: 2, width: 2)],
                text: prompt.expandingDims(at: 0), timestep: Tensor(shape: [1], scalars: [sigma]))
            total += (v - (noise - clean)).squared().mean().item
        }
        #expect(abs(loss.value.item - total / 3) <= 1e-5 * abs(total / 3))
        #expect(try objective.loss(parameters: parameters, examples: examples, step: 7).value.item == loss.value.item)
        #expect(try objective.loss(parameters: parameters, examples: examples, step: 8).value.item != loss.value.item)
    }

    @Test("the loss's gradients w.r.t. weights match central differences")
    func gradients() throws {
        let objective = try Self.objective()
        var parameters = Self.weights()
        let checked = ["transformer_blocks.0.attn.add_v_proj.weight", "proj_out.bias", "img_in.weight"].map {
            objective.parameterNames.firstIndex(of: $0)!
        }
        let report = GradientCheck.check(checked.map { parameters[$0] }) { values in
            for (index, value) in zip(checked, values) { parameters[index] = value }
            return try! objective.loss(parameters: parameters, examples: [0, 5], step: 2).value
        }
        #expect(report.maxRelativeError <= 1e-2, "\(report)")
    }

    @Test("prompt dropout replaces prompts with the empty one at rate p")
    func dropout() throws {
        let never = try Self.objective(dropout: 0), always = try Self.objective(dropout: 1)
        let half = try Self.objective(dropout: 0.5)
        let examples = Array(0..<6)
        #expect(never.draws(examples: examples, step: 1).dropped.allSatisfy { !$0 })
        #expect(always.draws(examples: examples, step: 1).dropped.allSatisfy { $0 })
        let rate = (1...200).map { half.draws(examples: examples, step: $0).dropped.filter { $0 }.count }.reduce(0, +)
        #expect(abs(Double(rate) / 1200 - 0.5) < 0.05)
    }

    @Test("σ: uniform over {1/T, …, 1}; logit-normal concentrates around sigmoid(mean)")
    func timestepSampling() {
        var random = RandomGenerator(seed: 4)
        let uniform = (0..<20000).map { _ in TimestepSampling.uniform.sigma(&random, trainTimesteps: 10) }
        #expect(Set(uniform) == Set((1...10).map { Float($0) / 10 }))
        #expect(abs(uniform.reduce(0, +) / 20000 - 0.55) < 0.01)
        let logit = TimestepSampling.logitNormal(mean: 1, standardDeviation: 0.1)
        let sigmas = (0..<2000).map { _ in logit.sigma(&random, trainTimesteps: 1000) }
        // σ = 1 − ⌊u·T⌋/T with u = sigmoid(n): concentrated around 1 − sigmoid(1) ≈ 0.269.
        let mean = sigmas.reduce(0, +) / 2000
        #expect(abs(mean - 0.269) < 0.01)
    }

    @Test("images, transformer and prompts that do not fit are typed errors")
    func invalidInputs() throws {
        var options = RectifiedFlowOptions()
        let codec = try PixelPatchCodec(patchSize: 1)
        var data = Self.data()
        data.images = .zeros([2, 3, 5, 4])
        #expect(throws: TrainingError.self) {
            try RectifiedFlowObjective(configuration: Self.configuration, codec: codec, data: data, options: options)
        }
        #expect(throws: TrainingError.self) {
            try RectifiedFlowObjective(
                configuration: Self.configuration, codec: PixelPatchCodec(patchSize: 2), data: Self.data(),
                options: options)
        }
        data = Self.data()
        data.prompts[1] = .zeros([2, 5])
        #expect(throws: TrainingError.self) {
            try RectifiedFlowObjective(configuration: Self.configuration, codec: codec, data: data, options: options)
        }
        options.promptDropout = 1.5
        #expect(throws: TrainingError.self) {
            try RectifiedFlowObjective(configuration: Self.configuration, codec: codec, data: Self.data(), options: options)
        }
    }

    @Test("EMA: d₁ = 0, then min(decay, (1 + t)/(10 + t)); an interrupted run resumes to the same bytes")
    func movingAverage() throws {
        #expect(ParameterAverage.decay(0.999, update: 1) == 0)
        #expect(ParameterAverage.decay(0.999, update: 2) == Float(2) / 11)
        #expect(ParameterAverage.decay(0.5, update: 100) == 0.5)
        let objective = try Self.objective()
        let initial = objective.initialParameters(seed: 1)
        let configuration = TrainingConfiguration(
            steps: 6, batchSize: 2, learningRate: 3e-3, seed: 1, checkpointEvery: 2, emaDecay: 0.9)

        let straight = try Trainer(configuration: configuration).train(parameters: initial, objective: objective)
        // The average follows the recurrence over the parameters after each step.
        var average = ParameterAverage(decay: 0.9, values: initial.map(\.value))
        for step in 1...6 {
            let partial = try Trainer(configuration: configuration).train(
                parameters: initial, objective: objective, stopAfter: step)
            average.update(with: partial.parameters.map(\.value), update: step)
        }
        #expect(average.values.map(\.scalars) == straight.averagedParameters!.map(\.value.scalars))
        #expect(straight.averagedParameters!.map(\.value.scalars) != straight.parameters.map(\.value.scalars))

        let directory = try TemporaryDirectory(label: "mokus-training-ema")
        _ = try Trainer(configuration: configuration).train(
            parameters: initial, objective: objective, checkpointDirectory: directory.url, stopAfter: 3)
        let resumed = try Trainer(configuration: configuration).train(
            parameters: initial, objective: objective, checkpointDirectory: directory.url)
        #expect(resumed.resumedFrom == 2)
        #expect(bytes(resumed.parameters) == bytes(straight.parameters))
        #expect(bytes(resumed.averagedParameters!) == bytes(straight.averagedParameters!))
    }
}
