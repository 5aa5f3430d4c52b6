import Foundation
import ModelIO
import Tensors
import TestSupport
import Testing

@testable import Generators

/// The transformer on tiny random checkpoints: shapes, input errors, masking and batching
/// invariances, per-token modulation and LoRA merging. Parity with diffusers is in
/// ``QwenImageParityTests``.
@Suite("Qwen-Image transformer")
struct QwenImageTransformerTests {
    let scratch: TemporaryDirectory
    var directory: URL { scratch.url }
    let model: QwenImageTransformer
    let inputs = TinyQwenImage.inputs()

    init() throws {
        scratch = try TemporaryDirectory(label: "mokus-generators")
        try TinyQwenImage.write(to: scratch.url)
        model = try QwenImageTransformer(directory: scratch.url)
    }

    func plain(_ model: QwenImageTransformer? = nil, modulation: TextModulation? = nil) throws -> Tensor {
        try (model ?? self.model).velocity(
            latents: inputs.latents, imageShapes: [inputs.imageShape], text: inputs.text, textMask: inputs.textMask,
            timestep: inputs.timestep, modulation: modulation)
    }

    @Test("loads a diffusers folder and predicts packed velocities [B, N, patch²·out]")
    func shapes() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(model.configuration == TinyQwenImage.configuration)
        #expect(model.configuration.innerDim == 48 && model.configuration.outputWidth == 16)
        let output = try plain()
        #expect(output.shape == [2, 24, 16])
        let finite = output.scalars.allSatisfy { $0.isFinite }
        #expect(finite)
        #expect(model.timestepEmbedding(inputs.timestep).shape == [2, 48])
    }

    @Test("inputs that do not fit the model or each other are typed errors")
    func brokenInputs() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let i = inputs
        func check(
            _ name: String, latents: Tensor? = nil, shapes: [PackedImageShape]? = nil, text: Tensor? = nil,
            mask: Tensor? = nil, timestep: Tensor? = nil, modulation: TextModulation? = nil
        ) {
            do {
                _ = try model.velocity(
                    latents: latents ?? i.latents, imageShapes: shapes ?? [i.imageShape], text: text ?? i.text,
                    textMask: mask ?? i.textMask, timestep: timestep ?? i.timestep, modulation: modulation)
                Issue.record("\(name): no error")
            } catch let error as GeneratorError {
                guard case .invalidInput(let found, _, _) = error else {
                    Issue.record("\(name): \(error)")
                    return
                }
                #expect(found == name)
            } catch {
                Issue.record("\(name): unexpected \(error)")
            }
        }
        check("latents", latents: .zeros([2, 24, 12]))
        check("imageShapes", shapes: [PackedImageShape(height: 4, width: 5)])
        check("imageShapes", shapes: [i.imageShape, i.imageShape, i.imageShape])
        check("text", text: .zeros([2, 7, 12]))
        check("text", text: .zeros([1, 7, 16]))
        check("textMask", mask: .ones([2, 6]))
        check("timestep", timestep: .ones([3]))
        check("modulation delta", modulation: TextModulation(delta: .zeros([2, 7, 16]), mask: .ones([2, 7])))
        check("modulation mask", modulation: TextModulation(delta: .zeros([2, 7, 48]), mask: .ones([2, 6])))
    }

    @Test("padded text tokens do not change the image output, whatever their values")
    func paddingInvariance() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let reference = try plain()
        var text = inputs.text
        text.withUnsafeMutableBufferPointer { buffer in
            for t in 5..<7 { for j in 0..<16 { buffer[(7 + t) * 16 + j] = 100 } }
        }
        let changed = try model.velocity(
            latents: inputs.latents, imageShapes: [inputs.imageShape], text: text,
            textMask: inputs.textMask, timestep: inputs.timestep)
        #expect(relativeError(changed, reference) < 1e-5)
    }

    @Test("a sample predicts the same alone, in a batch, and with per-sample image shapes")
    func batching() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let batched = try model.velocity(
            latents: inputs.latents, imageShapes: [inputs.imageShape, inputs.imageShape], text: inputs.text,
            textMask: inputs.textMask, timestep: inputs.timestep)
        #expect(batched.scalars == (try plain()).scalars)
        let alone = try model.velocity(
            latents: inputs.latents.slice(axis: 0, 1..<2), imageShapes: [inputs.imageShape],
            text: inputs.text.slice(axis: 0, 1..<2), textMask: inputs.textMask.slice(axis: 0, 1..<2),
            timestep: inputs.timestep.slice(axis: 0, 1..<2))
        #expect(relativeError(alone, batched.slice(axis: 0, 1..<2)) < 1e-5)
    }

    @Test("the image grid shape matters: a 6×4 grid predicts differently from 4×6 over the same tokens")
    func imageShapeMatters() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let transposed = try model.velocity(
            latents: inputs.latents, imageShapes: [PackedImageShape(height: 6, width: 4), inputs.imageShape],
            text: inputs.text, textMask: inputs.textMask, timestep: inputs.timestep)
        let reference = try plain()
        #expect(relativeError(transposed.slice(axis: 0, 0..<1), reference.slice(axis: 0, 0..<1)) > 1e-3)
        #expect(relativeError(transposed.slice(axis: 0, 1..<2), reference.slice(axis: 0, 1..<2)) < 1e-5)
    }

    @Test("zero Δ, or an all-false mask, reproduces the plain output exactly; a nonzero Δ changes it")
    func modulationIdentity() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let reference = try plain()
        var random = RandomGenerator(seed: 5)
        let delta = random.normal([2, 7, 48])
        let someTokens = Tensor(shape: [2, 7], scalars: [0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0])
        let zeroDelta = try plain(modulation: TextModulation(delta: .zeros([2, 7, 48]), mask: someTokens))
        #expect(zeroDelta.scalars == reference.scalars)
        let allTokensZeroDelta = try plain(modulation: TextModulation(delta: .zeros([2, 7, 48]), mask: .ones([2, 7])))
        #expect(allTokensZeroDelta.scalars == reference.scalars)
        let noTokens = try plain(modulation: TextModulation(delta: delta, mask: .zeros([2, 7])))
        #expect(noTokens.scalars == reference.scalars)
        let modulated = try plain(modulation: TextModulation(delta: delta, mask: someTokens))
        #expect(relativeError(modulated.slice(axis: 0, 0..<1), reference.slice(axis: 0, 0..<1)) > 1e-3)
        #expect(relativeError(modulated.slice(axis: 0, 1..<2), reference.slice(axis: 0, 1..<2)) > 1e-3)
    }

    @Test("per-block Δ_ℓ: Δ + Δ_ℓ is what each block applies; a wrong count of blocks is an input error")
    func perBlockModulation() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        var random = RandomGenerator(seed: 8)
        let (delta, offset) = (random.normal([2, 7, 48]), random.normal([2, 7, 48]))
        let mask = Tensor(shape: [2, 7], scalars: [0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0])
        let blocks = Array(repeating: offset, count: model.configuration.layerCount)
        let split = try plain(modulation: TextModulation(delta: delta, mask: mask, blockDeltas: blocks))
        let summed = try plain(modulation: TextModulation(delta: delta + offset, mask: mask))
        #expect(relativeError(split, summed) < 1e-6)
        let first = try plain(modulation: TextModulation(
            delta: delta, mask: mask, blockDeltas: [offset] + blocks.dropFirst().map { $0 * 0 }))
        #expect(relativeError(first, summed) > 1e-4)
        #expect(throws: GeneratorError.self) {
            try plain(modulation: TextModulation(delta: delta, mask: mask, blockDeltas: Array(blocks.dropLast())))
        }
    }

    @Test("merging W + s·B·A into the checkpoint predicts what the overlay predicts")
    func mergedEqualsOverlay() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        var overlay = try model.makeLoRA(rank: 3, alpha: 6, seed: 9)
        var random = RandomGenerator(seed: 21)
        overlay.setParameters(overlay.parameters.map { random.normal($0.shape, standardDeviation: 0.3) })
        model.lora = overlay
        let withOverlay = try plain()

        let mergedDirectory = try TemporaryDirectory(label: "mokus-generators")
        try TinyQwenImage.write(
            to: mergedDirectory.url,
            editWeights: { tensors in
                tensors = tensors.map { name, value in
                    guard name.hasSuffix(".weight"), let adapter = overlay.adapters[String(name.dropLast(7))] else {
                        return (name, value)
                    }
                    return (name, value + adapter.mergedWeightDelta)
                }
            })
        let merged = try plain(try QwenImageTransformer(directory: mergedDirectory.url))
        let base = try plain(try QwenImageTransformer(directory: directory))
        #expect(overlay.adapters.count == 8)
        #expect(relativeError(withOverlay, base) > 1e-3)
        #expect(relativeError(merged, withOverlay) < 1e-5)
    }

    @Test("LoRA targets follow PEFT's suffix rule; unknown targets are errors")
    func loraTargets() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(
            try model.makeLoRA().moduleNames == [
                "transformer_blocks.0.attn.to_k", "transformer_blocks.0.attn.to_out.0",
                "transformer_blocks.0.attn.to_q",
                "transformer_blocks.0.attn.to_v", "transformer_blocks.1.attn.to_k",
                "transformer_blocks.1.attn.to_out.0",
                "transformer_blocks.1.attn.to_q", "transformer_blocks.1.attn.to_v",
            ])
        #expect(
            try model.makeLoRA(targets: ["proj_out", "transformer_blocks.1.img_mlp.net.2"]).moduleNames
                == ["proj_out", "transformer_blocks.1.img_mlp.net.2"])
        #expect(
            throws: GeneratorError.invalidInput(
                name: "LoRA target", expected: "the name or suffix of a linear layer", found: "to_z")
        ) {
            try model.makeLoRA(targets: ["to_q", "to_z"])
        }
    }

    @Test("checkpoints that do not fit the configuration are typed errors")
    func brokenCheckpoints() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.path(percentEncoded: false)
        try TinyQwenImage.write(
            to: directory, editWeights: { $0.removeAll { $0.0 == "transformer_blocks.1.attn.norm_k.weight" } })
        #expect(throws: ModelIOError.missingTensor(directory: path, name: "transformer_blocks.1.attn.norm_k.weight"))
        {
            try QwenImageTransformer(directory: directory)
        }
        try TinyQwenImage.write(to: directory, editWeights: { $0.append(("pos_embed.pos_freqs", .zeros([2]))) })
        #expect(throws: ModelIOError.unexpectedTensor(directory: path, name: "pos_embed.pos_freqs")) {
            try QwenImageTransformer(directory: directory)
        }
        try TinyQwenImage.write(to: directory, editConfig: { $0["joint_attention_dim"] = 24 })
        #expect(throws: ModelIOError.tensorShapeMismatch(name: "txt_norm.weight", expected: [24], found: [16])) {
            try QwenImageTransformer(directory: directory)
        }
    }
}
