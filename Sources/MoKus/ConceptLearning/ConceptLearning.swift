import Foundation
import Generators
import ModelInterfaces
import Tensors
import Training

/// Stage 1 of MoKus: DreamBooth-LoRA on the generator, which teaches the DiT the anchor prompt
/// ("sks star") from a few concept images (diffusers `train_dreambooth_lora_qwen_image.py` with
/// its defaults, ``ConceptLearningSettings``).
///
/// 1. The prompt (and the class prompt) are encoded once by the frozen text encoder.
/// 2. The concept images are encoded once by the generator's codec and packed (cached latents).
/// 3. With prior preservation, `classImageCount` class images are drawn by the base generator from
///    the class prompt (seeds 0, 1, …; the pipeline's steps, no guidance, as the script's
///    `pipeline(prompt)`); their final packed latents are kept as the class data directly (the
///    script decodes them to PNGs and encodes them again, the identity up to rounding).
/// 4. The ``Trainer`` runs ``DreamBoothLoRAObjective`` on fresh adapters
///    (``Generators/QwenImageTransformer/makeLoRA(targets:rank:alpha:seed:)``, seeded by the
///    training seed), checkpointing into `checkpointDirectory` and resuming from it.
public enum ConceptLearning {
    /// Learns the concept and returns the trained adapters (not yet written; see
    /// ``Generators/LoRAOverlay/write(to:)``).
    ///
    /// - Parameters:
    ///   - images: the concept images `[N, 3, H, W]` in [−1, 1] at the generator's size
    ///     (``ConceptImages/read(folder:width:height:)``).
    ///   - baseFingerprint: identifies the generator's weights in checkpoints (``Generators/ComponentWeights/fingerprint``).
    ///   - stopAfter: stop after this step (a checkpoint is written there when due), for tests of resume.
    /// - Throws: ``Training/TrainingError`` (a checkpoint of another generator, rank or data is
    ///   `checkpointMismatch`), ``Generators/GeneratorError`` for bad sizes or prompts, the text encoder's errors.
    public static func learn(
        generator: QwenImageGenerator, baseFingerprint: String, prompts: PromptEncoder, images: Tensor,
        settings: ConceptLearningSettings, checkpointDirectory: URL?, stopAfter: Int? = nil,
        progress: (any ProgressReporter)? = nil
    ) throws -> ConceptLearningResult {
        let start = Date()
        let (height, width) = (images.shape[2], images.shape[3])
        let grid = try generator.latentSize(width: width, height: height)
        let imageShape = PackedImageShape(height: grid.height / 2, width: grid.width / 2)
        func states(_ prompt: String) throws -> Tensor {
            let encoded = try prompts.encode([prompt]).embeddings
            return encoded.reshaped(Array(encoded.shape.dropFirst()))
        }

        progress?.begin("caching latents", total: images.shape[0])
        let instanceLatents = try LatentPacking.pack(generator.codec.encode(images))
        progress?.update(completed: images.shape[0], detail: nil)
        progress?.end()

        var classLatents: Tensor?
        var classPrompt: Tensor?
        if let text = settings.classPrompt, settings.classImageCount > 0 {
            classPrompt = try states(text)
            classLatents = try drawClassLatents(
                generator: generator, prompt: try prompts.encode([text]), width: width, height: height,
                settings: settings, progress: progress)
        }
        let data = ConceptTrainingData(
            instanceLatents: instanceLatents, instancePrompt: try states(settings.prompt), classLatents: classLatents,
            classPrompt: classPrompt, imageShape: imageShape)
        var options = RectifiedFlowOptions()
        options.promptDropout = 0
        options.timestepSampling = settings.timestepSampling
        options.seed = settings.training.seed
        var adapters = try generator.transformer.makeLoRA(
            targets: settings.targets, rank: settings.rank, alpha: settings.alpha, seed: settings.training.seed)
        let objective = try DreamBoothLoRAObjective(
            transformer: generator.transformer, adapters: adapters, data: data, options: options,
            priorLossWeight: settings.priorLossWeight, baseFingerprint: baseFingerprint)

        progress?.begin("training", total: settings.training.steps)
        let result = try Trainer(configuration: settings.training).train(
            parameters: objective.initialParameters, objective: objective, checkpointDirectory: checkpointDirectory,
            stopAfter: stopAfter
        ) { report in
            progress?.update(
                completed: report.step, detail: String(format: "loss %.4f, lr %.1e", report.loss, report.learningRate))
        }
        progress?.end()
        adapters.setParameters(result.parameters.map(\.value))
        return ConceptLearningResult(
            adapters: adapters, step: result.step, resumedFrom: result.resumedFrom, losses: result.losses,
            instanceImages: images.shape[0], classImages: classLatents?.shape[0] ?? 0,
            trainableParameters: adapters.parameters.reduce(0) { $0 + $1.count },
            seconds: Date().timeIntervalSince(start))
    }

    /// The fingerprint of `generator`'s transformer weights, which checkpoints are tied to.
    ///
    /// - Throws: ``Generators/GeneratorError/invalidInput(name:expected:found:)`` for a transformer
    ///   not loaded from a checkpoint folder (in-memory weights have no fingerprint).
    public static func baseFingerprint(of generator: QwenImageGenerator) throws -> String {
        guard let weights = generator.transformer.weights as? ComponentWeights else {
            throw GeneratorError.invalidInput(
                name: "generator", expected: "a transformer loaded from a checkpoint folder", found: "in-memory weights")
        }
        return weights.fingerprint
    }

    /// The packed final latents `[M, tokens, channels]` of M samples of the base generator.
    static func drawClassLatents(
        generator: QwenImageGenerator, prompt: PromptEmbeddings, width: Int, height: Int,
        settings: ConceptLearningSettings, progress: (any ProgressReporter)?
    ) throws -> Tensor {
        let saved = generator.transformer.lora
        generator.transformer.lora = nil
        defer { generator.transformer.lora = saved }
        progress?.begin("drawing class images", total: settings.classImageCount)
        var latents: [Tensor] = []
        for index in 0..<settings.classImageCount {
            let sampling = try generator.startSampling(
                prompt: prompt, negativePrompt: nil,
                settings: GenerationSettings(
                    width: width, height: height, steps: settings.classSamplingSteps, seed: UInt64(index),
                    guidanceScale: 1))
            while try sampling.next() != nil {}
            latents.append(sampling.latents)
            progress?.update(completed: index + 1, detail: nil)
        }
        progress?.end()
        return Tensor.concat(latents, axis: 0)
    }
}
