import Foundation
import Generators
import ModelIO
import ModelInterfaces
import Tensors
import Training
import World

/// Generator-training row: one optimisation step (forward, rectified-flow loss, backward, clipping,
/// AdamW, EMA update) of `Trainer` + `RectifiedFlowObjective` at `GeneratorRecipe.standard`'s
/// transformer, codec, batch size and optimiser settings (text width from `EncoderRecipe.standard`),
/// beside the same step of diffusers' `QwenImageTransformer2DModel` in PyTorch
/// (References/torch_generator_training_step.py) from the same initial weights and the same batch
/// (images, noise, σ, text states). The first step's losses are compared before the timings.
///
/// The batch is synthetic (uniform images in [−1, 1], N(0, 1) text states of 8–20 tokens, an empty
/// prompt of 6): the step's cost depends only on the shapes.
enum GeneratorTrainingBenchmark {
    static let repeats = 5

    static func run(directory: URL, torchReference: Bool) throws -> [String] {
        let recipe = GeneratorRecipe.standard
        let configuration = recipe.transformer(textWidth: EncoderRecipe.standard.hiddenSize)
        let codec = try PixelPatchCodec(patchSize: recipe.pixelPatch)
        let batchSize = recipe.batchSize
        var random = RandomGenerator(seed: 21)
        let data = GeneratorTrainingData(
            images: random.uniform([batchSize, 3, recipe.imageSize, recipe.imageSize], low: -1, high: 1),
            prompts: (0..<batchSize).map { _ in
                random.normal([8 + random.nextInt(in: 0..<13), configuration.jointAttentionDim])
            },
            promptOfImage: Array(0..<batchSize), emptyPrompt: random.normal([6, configuration.jointAttentionDim]))
        let objective = try RectifiedFlowObjective(
            configuration: configuration, codec: codec, data: data, options: recipe.flow)
        let initial = objective.initialParameters(seed: recipe.seed)
        var training = recipe.training
        training.steps = repeats + 1
        training.warmupSteps = min(training.warmupSteps, training.steps)
        let swift = try TrainingBenchmark.medianStepSeconds(training, parameters: initial, objective: objective)
        let examples = Array(0..<batchSize)
        let firstLoss = try objective.loss(parameters: initial.map(\.value), examples: examples, step: 1).value.item
        var lines = [
            "generator training step (forward + rectified-flow loss + backward + clip + AdamW + EMA), "
                + "GeneratorRecipe.standard: width \(configuration.innerDim) × \(configuration.layerCount) blocks, "
                + "\(recipe.imageSize)² images, pixel patch \(recipe.pixelPatch), batch \(batchSize):",
            row("Swift", seconds: swift, images: batchSize) + String(format: ", first-step loss %.7f", firstLoss),
        ]
        guard torchReference, PythonReference.canImport(["torch", "diffusers"]) else {
            lines.append("  PyTorch reference: not run (python3 with torch and diffusers not importable, or --no-reference)")
            return lines
        }
        let folder = directory.appending(path: "generator-training-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try QwenImageTransformer(
            configuration: configuration, parameters: Dictionary(uniqueKeysWithValues: initial.map { ($0.name, $0.value) })
        ).save(to: folder)
        let draws = objective.draws(examples: examples, step: 1)
        let text = PromptEncoder.batch(
            zip(examples, draws.dropped).map { example, dropped in dropped ? data.emptyPrompt : data.prompts[example] })
        let batchURL = folder.appending(path: "batch.safetensors")
        try SafetensorsWriter.write([
            "images": data.images, "noise": draws.noise, "sigmas": Tensor(shape: [batchSize], scalars: draws.sigmas),
            "text": text.embeddings, "text_mask": text.mask,
        ], to: batchURL)
        guard let object = PythonReference.run(script: "torch_generator_training_step.py", input: [
            "directory": folder.path(percentEncoded: false), "batch": batchURL.path(percentEncoded: false),
            "patch": recipe.pixelPatch, "repeats": repeats, "learning_rate": recipe.learningRate,
            "weight_decay": training.weightDecay, "beta1": training.beta1, "beta2": training.beta2,
            "epsilon": training.epsilon, "max_grad_norm": training.maxGradientNorm,
            "ema_decay": training.emaDecay.map { $0 as Any } ?? NSNull(),
        ])?.first, let torch = object["step"] as? Double, let torchLoss = object["loss"] as? Double
        else {
            lines.append("  PyTorch reference: failed")
            return lines
        }
        lines.append(
            row("PyTorch (\(object["version"] as? String ?? "?"))", seconds: torch, images: batchSize)
                + String(format: ", first-step loss %.7f (|Δ| %.1e)  → ours %.2f×", torchLoss,
                         abs(torchLoss - Double(firstLoss)), torch / swift))
        return lines
    }

    private static func row(_ label: String, seconds: Double, images: Int) -> String {
        String(format: "  %@: %.3f s/step, %.1f images/s", label, seconds, Double(images) / seconds)
    }
}
