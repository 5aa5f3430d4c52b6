import Foundation
import Generators
import Tensors
import Testing

@testable import Training

/// DreamBooth-LoRA on a frozen tiny transformer: the loss recomputed by hand (with prior
/// preservation), the dataset length, and the configuration errors.
@Suite("DreamBooth-LoRA objective")
struct DreamBoothLoRATests {
    static let configuration = RectifiedFlowTests.configuration
    static let grid = PackedImageShape(height: 2, width: 2)

    /// A frozen model with random (not adaLN-Zero) weights.
    static func transformer() throws -> QwenImageTransformer {
        let parameters = RectifiedFlowTests.weights()
        return try QwenImageTransformer(
            configuration: configuration,
            parameters: Dictionary(uniqueKeysWithValues: zip(QwenImageTransformer.parameterShapes(configuration).map(\.0), parameters)))
    }

    /// 3 instance latents with a 3-token prompt; with `prior`, 2 class latents with a 2-token prompt.
    static func data(prior: Bool) -> ConceptTrainingData {
        var random = RandomGenerator(seed: 5)
        return ConceptTrainingData(
            instanceLatents: random.normal([3, 4, 12]), instancePrompt: random.normal([3, 6]),
            classLatents: prior ? random.normal([2, 4, 12]) : nil, classPrompt: prior ? random.normal([2, 6]) : nil,
            imageShape: grid)
    }

    static func options() -> RectifiedFlowOptions {
        var options = RectifiedFlowOptions()
        options.promptDropout = 0
        options.seed = 9
        return options
    }

    /// Adapters with non-zero B, so the LoRA changes the output.
    static func adapters(on model: QwenImageTransformer) throws -> LoRAOverlay {
        var lora = try model.makeLoRA(rank: 2, alpha: 4, seed: 1)
        var random = RandomGenerator(seed: 4)
        lora.setParameters(lora.parameters.map { random.normal($0.shape, standardDeviation: 0.2) })
        return lora
    }

    @Test("loss = instance error + w · class error with the step's draws, recomputed example by example")
    func lossByHand() throws {
        let model = try Self.transformer()
        let lora = try Self.adapters(on: model)
        let data = Self.data(prior: true)
        let objective = try DreamBoothLoRAObjective(
            transformer: model, adapters: lora, data: data, options: Self.options(), priorLossWeight: 0.5,
            baseFingerprint: "test")
        #expect(objective.exampleCount == 3)
        let loss = try objective.loss(parameters: lora.parameters, examples: [2], step: 5)
        #expect(loss.itemCount == 2)
        #expect(model.lora == nil)

        let draws = RectifiedFlowStep.draws(options: Self.options(), count: 2, tokens: 4, channels: 12, step: 5)
        model.lora = lora
        defer { model.lora = nil }
        func error(_ clean: Tensor, _ prompt: Tensor, _ b: Int) throws -> Float {
            let sigma = draws.sigmas[b]
            let noise = draws.noise.slice(axis: 0, b..<(b + 1))
            let velocity = try model.velocity(
                latents: clean * (1 - sigma) + noise * sigma, imageShapes: [Self.grid], text: prompt.expandingDims(at: 0),
                textMask: .ones([1, prompt.shape[0]]), timestep: Tensor(shape: [1], scalars: [sigma]))
            return (velocity - (noise - clean)).squared().mean().item
        }
        // Example 2: instance latents 2 (2 mod 3) and class latents 0 (2 mod 2).
        let expected = try error(data.instanceLatents.slice(axis: 0, 2..<3), data.instancePrompt, 0)
            + 0.5 * error(data.classLatents!.slice(axis: 0, 0..<1), data.classPrompt!, 1)
        #expect(abs(loss.value.item - expected) <= 1e-5 * abs(expected))
    }

    @Test("the loss depends on the LoRA factors, and their gradient is non-zero")
    func differentiable() throws {
        let model = try Self.transformer()
        let lora = try Self.adapters(on: model)
        let objective = try DreamBoothLoRAObjective(
            transformer: model, adapters: lora, data: Self.data(prior: false), options: Self.options(), baseFingerprint: "test")
        let tape = Tape()
        let tracked = lora.parameters.map { tape.variable($0) }
        let loss = try objective.loss(parameters: tracked, examples: [0, 1], step: 1)
        let gradients = tape.gradients(of: loss.value, withRespectTo: tracked)
        #expect(gradients.allSatisfy { $0.scalars.contains { $0 != 0 } })
        let zero = lora.parameters.map { Tensor.zeros($0.shape) }
        #expect(try objective.loss(parameters: zero, examples: [0, 1], step: 1).value.item != loss.value.item)
    }

    @Test("prompt dropout, class latents without a class prompt, and misshapen latents are refused")
    func errors() throws {
        let model = try Self.transformer()
        let lora = try Self.adapters(on: model)
        var dropout = Self.options()
        dropout.promptDropout = 0.1
        #expect(throws: TrainingError.self) {
            try DreamBoothLoRAObjective(transformer: model, adapters: lora, data: Self.data(prior: false), options: dropout,
                                        baseFingerprint: "test")
        }
        var orphan = Self.data(prior: true)
        orphan.classPrompt = nil
        #expect(throws: TrainingError.self) {
            try DreamBoothLoRAObjective(transformer: model, adapters: lora, data: orphan, options: Self.options(), baseFingerprint: "test")
        }
        var misshapen = Self.data(prior: false)
        misshapen.instanceLatents = .zeros([3, 5, 12])
        #expect(throws: TrainingError.invalidConfiguration(key: "instanceLatents", reason: "expected [N, 4, 12], found [3, 5, 12]")) {
            try DreamBoothLoRAObjective(transformer: model, adapters: lora, data: misshapen, options: Self.options(), baseFingerprint: "test")
        }
    }

    @Test("the fingerprint names the base weights: another base, another run")
    func fingerprint() throws {
        let model = try Self.transformer()
        let lora = try Self.adapters(on: model)
        func make(_ base: String) throws -> String {
            try DreamBoothLoRAObjective(
                transformer: model, adapters: lora, data: Self.data(prior: false), options: Self.options(), baseFingerprint: base
            ).fingerprint
        }
        #expect(try make("a") == make("a"))
        #expect(try make("a") != make("b"))
    }
}
