import Foundation
import Generators
import ModelInterfaces
import ModelIO
import Tensors

/// Generator rows: one Qwen-Image block at the real width (3072 = 24 heads × 128) over 1,024 image
/// and 64 text tokens, forward and forward+backward; a VAE decode at the real configuration; and a
/// whole tiny-configuration sample; each beside diffusers on the CPU in the same command
/// (References/diffusers_qwen_image.py).
///
/// The block row runs a one-layer `QwenImageTransformer2DModel` (random weights written here): the
/// block plus the input/output layers, which add under 1% of the block's FLOPs.
enum GeneratorBenchmark {
    /// Qwen-Image's transformer configuration with one layer.
    static var oneLayerConfig: [String: Any] { [
        "_class_name": "QwenImageTransformer2DModel", "patch_size": 2, "in_channels": 64, "out_channels": 16,
        "num_layers": 1, "attention_head_dim": 128, "num_attention_heads": 24, "joint_attention_dim": 3584,
        "guidance_embeds": false, "axes_dims_rope": [16, 56, 56],
    ] }
    static let (imageSide, textLength) = (32, 64)  // 32×32 packed grid = 1,024 image tokens (a 512² image)

    static func run(directory: URL, torchReference: Bool) throws -> [String] {
        let folder = directory.appending(path: "qwen-image-1-layer")
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = try writeRandomTransformer(to: folder)
        var lines = try block(folder, configuration, torchReference: torchReference)
        lines += try vaeDecode(directory: directory, torchReference: torchReference)
        lines += try tinySample(directory: directory, torchReference: torchReference)
        return lines
    }

    /// Writes `oneLayerConfig` and N(0, 0.02²) weights (norm gains 1) into `folder`.
    static func writeRandomTransformer(to folder: URL) throws -> QwenImageTransformerConfiguration {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let configURL = folder.appending(path: "config.json")
        try JSONSerialization.data(withJSONObject: oneLayerConfig, options: [.sortedKeys]).write(to: configURL)
        let configuration = try QwenImageTransformerConfiguration(contentsOf: configURL)
        var random = RandomGenerator(seed: 11)
        try writeRandomWeights(QwenImageTransformer.parameterShapes(configuration), to: folder, random: &random) {
            $0.contains("norm") && $1.count == 1
        }
        return configuration
    }

    /// Writes `diffusion_pytorch_model.safetensors` into `folder`: ones for the parameters `isGain`
    /// picks (norm gains), N(0, 0.02²) for the rest.
    static func writeRandomWeights(
        _ shapes: [(String, [Int])], to folder: URL, random: inout RandomGenerator, isGain: (String, [Int]) -> Bool
    ) throws {
        let tensors = shapes.map { name, shape in
            (name, isGain(name, shape) ? Tensor.ones(shape) : random.normal(shape, standardDeviation: 0.02))
        }
        try SafetensorsWriter.write(tensors, to: folder.appending(path: "diffusion_pytorch_model.safetensors"))
    }

    static func block(_ folder: URL, _ c: QwenImageTransformerConfiguration, torchReference: Bool) throws -> [String] {
        let transformer = try QwenImageTransformer(configuration: c, directory: folder)
        let imageTokens = imageSide * imageSide
        var random = RandomGenerator(seed: 12)
        let inputs: [String: Tensor] = [
            "hidden_states": random.normal([1, imageTokens, c.inChannels]),
            "encoder_hidden_states": random.normal([1, textLength, c.jointAttentionDim]),
            "encoder_hidden_states_mask": .ones([1, textLength]), "timestep": Tensor(shape: [1], scalars: [0.6]),
            "probe": random.normal([1, imageTokens, c.outChannels * c.patchSize * c.patchSize]),
        ]
        let shape = PackedImageShape(height: imageSide, width: imageSide)
        func velocity(_ image: Tensor, _ text: Tensor) throws -> Tensor {
            try transformer.velocity(latents: image, imageShapes: [shape], text: text,
                                     textMask: inputs["encoder_hidden_states_mask"], timestep: inputs["timestep"]!)
        }
        let forward = try Measure.medianSeconds(repeats: 3, warmUp: 1) {
            _ = try velocity(inputs["hidden_states"]!, inputs["encoder_hidden_states"]!)
        }
        let backward = try Measure.medianSeconds(repeats: 3, warmUp: 1) {
            let tape = Tape()
            let image = tape.variable(inputs["hidden_states"]!), text = tape.variable(inputs["encoder_hidden_states"]!)
            let loss = (try velocity(image, text) * inputs["probe"]!).sum()
            _ = tape.gradients(of: loss, withRespectTo: [image, text])
        }
        let flops = blockFlops(c, imageTokens: imageTokens, textTokens: textLength)
        var lines = [
            "Qwen-Image block (width \(c.innerDim), \(c.headCount) heads), \(imageTokens) image + \(textLength) text tokens, "
                + String(format: "%.0f GFLOP forward:", flops / 1e9),
            row("forward", forward, flops), row("forward+backward (to image and text inputs; weights frozen)", backward, 2 * flops),
        ]
        guard torchReference, PythonReference.canImport(["torch", "diffusers"]) else {
            lines.append("  diffusers reference: not run (python3 with torch and diffusers not importable, or --no-reference)")
            return lines
        }
        let inputsURL = folder.appending(path: "inputs.safetensors")
        try SafetensorsWriter.write(inputs, to: inputsURL)
        guard let reference = PythonReference.run(script: "diffusers_qwen_image.py", input: [
            "kind": "transformer", "directory": folder.path(percentEncoded: false),
            "inputs": inputsURL.path(percentEncoded: false), "image_shape": [1, imageSide, imageSide], "repeats": 3,
        ])?.first, let theirs = reference["forward"] as? Double, let theirsBackward = reference["backward"] as? Double
        else {
            lines.append("  diffusers reference: failed")
            return lines
        }
        lines.append("  \(reference["version"] as? String ?? "diffusers") on CPU, same weights and inputs, same command:")
        lines.append(row("  forward", theirs, flops) + String(format: "  → ours %.2f×", theirs / forward))
        lines.append(row("  forward+backward", theirsBackward, 2 * flops) + String(format: "  → ours %.2f×", theirsBackward / backward))
        return lines
    }

    /// FLOPs of one block's forward: the token-wise linear layers (q, k, v, out and the 4× MLP of
    /// each stream) and the joint attention's two products.
    static func blockFlops(_ c: QwenImageTransformerConfiguration, imageTokens: Int, textTokens: Int) -> Double {
        let d = Double(c.innerDim), tokens = Double(imageTokens + textTokens)
        let linear = 2 * tokens * (4 * d * d + 2 * d * 4 * d)
        let attention = 4 * tokens * tokens * d
        return linear + attention
    }

    /// Qwen-Image's VAE configuration (diffusers' defaults), N(0, 0.02²) weights (norm gains 1),
    /// decoding a 32×32×16 latent to a 256² image.
    static func vaeDecode(directory: URL, torchReference: Bool) throws -> [String] {
        let folder = directory.appending(path: "qwen-image-vae")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(#"{"_class_name": "AutoencoderKLQwenImage"}"#.utf8).write(to: folder.appending(path: "config.json"))
        var random = RandomGenerator(seed: 13)
        let shapes = QwenImageVAE.parameterShapes(for: QwenImageVAEConfiguration()).map { ($0.name, $0.shape) }
        try writeRandomWeights(shapes, to: folder, random: &random) { name, _ in name.hasSuffix("gamma") }
        let vae = try QwenImageVAE(directory: folder)
        let latent = random.normal([1, vae.latentChannels, 32, 32])
        let seconds = try Measure.medianSeconds(repeats: 3, warmUp: 1) { _ = try vae.decode(raw: latent) }
        var lines = ["Qwen-Image VAE (base_dim 96, z_dim 16, dim_mult [1, 2, 4, 4]), decode 32×32 latent → 256² image:",
                     String(format: "  ours: %.2f s", seconds)]
        guard torchReference, PythonReference.canImport(["torch", "diffusers"]) else { return lines }
        let inputsURL = folder.appending(path: "latent.safetensors")
        try SafetensorsWriter.write(["latent": latent], to: inputsURL)
        if let reference = PythonReference.run(script: "diffusers_qwen_image.py", input: [
            "kind": "vae", "directory": folder.path(percentEncoded: false),
            "inputs": inputsURL.path(percentEncoded: false), "repeats": 3,
        ])?.first, let theirs = reference["decode"] as? Double {
            lines.append(String(format: "  %@, same weights and latent, same command: %.2f s → ours %.2f×",
                                reference["version"] as? String ?? "diffusers", theirs, theirs / seconds))
        } else {
            lines.append("  diffusers reference: failed")
        }
        return lines
    }

    /// The committed tiny pipeline (Tests/GeneratorsTests/Fixtures/pipeline), 64×64, 20 steps with true
    /// CFG, from the fixture's prompt embeddings.
    static func tinySample(directory: URL, torchReference: Bool) throws -> [String] {
        let fixtures = MokusBench.repositoryRoot.appending(path: "Tests/GeneratorsTests/Fixtures")
        let pipeline = fixtures.appending(path: "pipeline")
        let file = try SafetensorsFile(url: fixtures.appending(path: "pipeline_reference.safetensors"))
        let generator = try QwenImageGenerator(directory: pipeline)
        let prompt = PromptEmbeddings(
            embeddings: try file.tensor(named: "prompt_embeds"), mask: try file.tensor(named: "prompt_embeds_mask"))
        let negative = PromptEmbeddings(
            embeddings: try file.tensor(named: "negative_prompt_embeds"),
            mask: try file.tensor(named: "negative_prompt_embeds_mask"))
        var settings = GenerationSettings(width: 64, height: 64, steps: 20, seed: 1, guidanceScale: 4)
        let noise = try generator.startSampling(prompt: prompt, negativePrompt: negative, settings: settings).latents
        settings.initialLatents = noise
        let seconds = try Measure.medianSeconds(repeats: 3, warmUp: 1) {
            let sampling = try generator.startSampling(prompt: prompt, negativePrompt: negative, settings: settings)
            while try sampling.next() != nil {}
            _ = try generator.decode(sampling.latents, settings: settings)
        }
        var lines = ["tiny Qwen-Image pipeline (test configuration), 64×64, 20 steps, true CFG (2 passes/step), VAE decode:",
                     String(format: "  ours: %.1f ms per image", seconds * 1000)]
        guard torchReference, PythonReference.canImport(["torch", "diffusers"]) else { return lines }
        let inputsURL = directory.appending(path: "tiny-sample-inputs.safetensors")
        defer { try? FileManager.default.removeItem(at: inputsURL) }
        try SafetensorsWriter.write([
            "prompt_embeds": prompt.embeddings, "prompt_embeds_mask": prompt.mask,
            "negative_prompt_embeds": negative.embeddings, "negative_prompt_embeds_mask": negative.mask,
            "initial_latents": noise,
        ], to: inputsURL)
        if let reference = PythonReference.run(script: "diffusers_qwen_image.py", input: [
            "kind": "pipeline", "directory": pipeline.path(percentEncoded: false),
            "inputs": inputsURL.path(percentEncoded: false), "height": 64, "width": 64, "steps": 20,
            "true_cfg_scale": 4.0, "repeats": 3,
        ])?.first, let theirs = reference["sample"] as? Double {
            lines.append(String(format: "  %@, same inputs, same command: %.1f ms → ours %.2f×",
                                reference["version"] as? String ?? "diffusers", theirs * 1000, theirs / seconds))
        } else {
            lines.append("  diffusers reference: failed")
        }
        return lines
    }

    private static func row(_ label: String, _ seconds: Double, _ flops: Double) -> String {
        String(format: "  %@: %.3f s, %.1f GFLOP/s", label, seconds, flops / seconds / 1e9)
    }
}
