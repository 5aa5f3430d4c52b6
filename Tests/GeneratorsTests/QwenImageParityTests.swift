import Foundation
import Tensors
import Testing

@testable import Generators

/// Parity with diffusers' `QwenImageTransformer2DModel` on the committed fixture (Fixtures/SCHEMA.md:
/// float64 references from the float32 weights): max|Δ| / max|reference| ≤ 1e-4.
@Suite("Qwen-Image transformer parity with diffusers")
struct QwenImageParityTests {
    static let tolerance: Float = 1e-4
    let model: QwenImageTransformer
    let reference: [String: Tensor]
    let imageShapes = [PackedImageShape(frames: 1, height: 4, width: 6)]

    init() throws {
        model = try QwenImageTransformer(directory: GeneratorFixtures.url("transformer"))
        reference = try GeneratorFixtures.tensors("transformer_reference.safetensors")
    }

    func tensor(_ name: String) throws -> Tensor { try #require(reference[name], "fixture tensor \(name)") }

    func run(modulation: TextModulation? = nil, afterBlock: ((Int, Tensor, Tensor) -> Void)? = nil) throws -> Tensor {
        try model.forward(
            latents: tensor("hidden_states"), imageShapes: imageShapes, text: tensor("encoder_hidden_states"),
            textMask: tensor("encoder_hidden_states_mask"), timestep: tensor("timestep"), modulation: modulation,
            afterBlock: afterBlock)
    }

    @Test("timestep embedding, block 0 and the output match diffusers")
    func plain() throws {
        let temb = model.timestepEmbedding(try tensor("timestep"))
        #expect(relativeError(temb, try tensor("temb")) <= Self.tolerance)
        var block0: (image: Tensor, text: Tensor)?
        let output = try run { index, image, text in if index == 0 { block0 = (image, text) } }
        let (image, text) = try #require(block0)
        let errors = [
            relativeError(image, try tensor("block0_hidden_states")),
            relativeError(text, try tensor("block0_encoder_hidden_states")),
            relativeError(output, try tensor("output")),
        ]
        #expect(errors.allSatisfy { $0 <= Self.tolerance }, "block 0 image, text; output: \(errors)")
    }

    @Test("the LoRA file, loaded as diffusers loads it, matches output_lora")
    func lora() throws {
        try model.loadLoRA(from: GeneratorFixtures.url("transformer_lora.safetensors"))
        let adapters = try #require(model.lora).adapters
        #expect(adapters.count == 8 && adapters.values.allSatisfy { $0.scale == 2 })
        let error = relativeError(try run(), try tensor("output_lora"))
        #expect(error <= Self.tolerance, "\(error)")
        #expect(relativeError(try tensor("output_lora"), try tensor("output")) > 1e-2)
    }

    @Test("per-token text modulation matches output_modulated")
    func modulated() throws {
        let modulation = TextModulation(delta: try tensor("modulation_delta"), mask: try tensor("modulation_mask"))
        let error = relativeError(try run(modulation: modulation), try tensor("output_modulated"))
        #expect(error <= Self.tolerance, "\(error)")
        #expect(relativeError(try tensor("output_modulated"), try tensor("output")) > 1e-2)
    }
}
