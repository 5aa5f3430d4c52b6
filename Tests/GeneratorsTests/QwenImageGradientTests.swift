import Foundation
import Tensors
import TestSupport
import Testing

@testable import Generators

/// Finite-difference checks of the transformer's tape gradients (Float32 central differences,
/// max relative error over each gradient ≤ 1e-2).
@Suite("Qwen-Image gradients")
struct QwenImageGradientTests {
    /// One block of width 16 (2 heads of 8, rotary axes 2/2/4).
    static let small = QwenImageTransformerConfiguration(
        patchSize: 1, inChannels: 4, outChannels: 4, layerCount: 2, headDimension: 8, headCount: 2,
        jointAttentionDim: 8, rotaryAxes: [2, 2, 4])
    static let tolerance: Float = 1e-2

    @Test("one block: image input, text input and a LoRA A/B pair")
    func block() throws {
        let directory = try TemporaryDirectory(label: "mokus-generators")
        try TinyQwenImage.write(to: directory.url, configuration: Self.small, seed: 4)
        let model = try QwenImageTransformer(directory: directory.url)
        let shape = PackedImageShape(height: 2, width: 2)
        let textMask = Tensor(shape: [1, 3], scalars: [1, 1, 0])
        let temb = model.timestepEmbedding(Tensor(shape: [1], scalars: [0.4]))
        let conditioning = BlockConditioning(temb: temb, textLength: 3, modulation: nil)
        let (cos, sin) = QwenImageRotaryEmbedding(axes: Self.small.rotaryAxes).tables(images: [shape], textLength: 3)
        let attention = JointAttentionContext(
            cos: cos, sin: sin, keyPadding: QwenImageInputs.keyPadding(textMask: textMask, imageLength: 4))
        let block = QwenImageTransformerBlock(index: 1, configuration: Self.small)

        var random = RandomGenerator(seed: 8)
        let inputs = [
            random.normal([1, 4, 16]), random.normal([1, 3, 16]),
            random.normal([2, 16], standardDeviation: 0.5), random.normal([16, 2], standardDeviation: 0.5),
        ]
        let report = GradientCheck.check(inputs) { values in
            let lora = LoRAOverlay(adapters: [
                "transformer_blocks.1.attn.to_q": LoRAAdapter(down: values[2], up: values[3], alpha: 3)
            ])
            let out = block(
                image: values[0], text: values[1], conditioning: conditioning, attention: attention,
                linear: LinearLayers(weights: model.weights, lora: lora))
            return Tensor.concat([out.image, out.text], axis: 1)
        }
        #expect(report.maxRelativeError <= Self.tolerance, "\(report)")
    }

    @Test("whole model: latents, text, per-token Δ and LoRA factors on the text stream")
    func model() throws {
        let directory = try TemporaryDirectory(label: "mokus-generators")
        try TinyQwenImage.write(to: directory.url, configuration: Self.small, seed: 6)
        let model = try QwenImageTransformer(directory: directory.url)
        let shape = PackedImageShape(height: 2, width: 2)
        let textMask = Tensor(shape: [1, 3], scalars: [1, 1, 0])
        let modulated = Tensor(shape: [1, 3], scalars: [0, 1, 0])
        var random = RandomGenerator(seed: 12)
        let inputs = [
            random.normal([1, 4, 4]), random.normal([1, 3, 8]), random.normal([1, 3, 16], standardDeviation: 0.5),
            random.normal([2, 16], standardDeviation: 0.5), random.normal([16, 2], standardDeviation: 0.5),
        ]
        let report = GradientCheck.check(inputs) { values in
            model.lora = LoRAOverlay(adapters: [
                "transformer_blocks.0.attn.add_k_proj": LoRAAdapter(down: values[3], up: values[4], alpha: 2)
            ])
            return try! model.velocity(
                latents: values[0], imageShapes: [shape], text: values[1], textMask: textMask,
                timestep: Tensor(shape: [1], scalars: [0.7]),
                modulation: TextModulation(delta: values[2], mask: modulated))
        }
        #expect(report.maxRelativeError <= Self.tolerance, "\(report)")
    }

    @Test("whole model: per-block Δ_ℓ beside the shared Δ")
    func perBlockModulation() throws {
        let directory = try TemporaryDirectory(label: "mokus-generators")
        try TinyQwenImage.write(to: directory.url, configuration: Self.small, seed: 7)
        let model = try QwenImageTransformer(directory: directory.url)
        let modulated = Tensor(shape: [1, 3], scalars: [1, 0, 1])
        var random = RandomGenerator(seed: 13)
        let (latents, text) = (random.normal([1, 4, 4]), random.normal([1, 3, 8]))
        let inputs = (0..<3).map { _ in random.normal([1, 3, 16], standardDeviation: 0.5) }
        let report = GradientCheck.check(inputs) { values in
            try! model.velocity(
                latents: latents, imageShapes: [PackedImageShape(height: 2, width: 2)], text: text,
                timestep: Tensor(shape: [1], scalars: [0.4]),
                modulation: TextModulation(delta: values[0], mask: modulated, blockDeltas: [values[1], values[2]]))
        }
        #expect(report.maxRelativeError <= Self.tolerance, "\(report)")
    }

    @Test("the tracked overlay's parameters receive the gradients of a loss")
    func trackedOverlay() throws {
        let directory = try TemporaryDirectory(label: "mokus-generators")
        try TinyQwenImage.write(to: directory.url, configuration: Self.small, seed: 6)
        let model = try QwenImageTransformer(directory: directory.url)
        let overlay = try model.makeLoRA(rank: 2, alpha: 2, seed: 1)
        let tape = Tape()
        model.lora = overlay.tracked(on: tape)
        var random = RandomGenerator(seed: 1)
        let loss = try model.velocity(
            latents: random.normal([1, 4, 4]), imageShapes: [PackedImageShape(height: 2, width: 2)],
            text: random.normal([1, 3, 8]), timestep: Tensor(shape: [1], scalars: [0.5])
        ).squared().mean()
        let parameters = model.lora!.parameters
        let gradients = tape.gradients(of: loss, withRespectTo: parameters)
        #expect(gradients.count == 16 && zip(gradients, parameters).allSatisfy { $0.shape == $1.shape })
        // B starts at zero, so ∂L/∂A = 0 and ∂L/∂B ≠ 0 (PEFT's identity initialisation).
        for (index, gradient) in gradients.enumerated() {
            let norm = gradient.scalars.map { $0 * $0 }.reduce(0, +)
            #expect(index % 2 == 0 ? norm == 0 : norm > 0, "\(model.lora!.parameterNames[index])")
        }
    }
}
