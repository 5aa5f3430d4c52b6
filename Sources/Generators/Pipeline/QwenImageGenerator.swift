import Foundation
import ModelInterfaces
import Tensors

/// Qwen-Image text-to-image sampling (diffusers `QwenImagePipeline.__call__`,
/// `src/diffusers/pipelines/qwenimage/pipeline_qwenimage.py`), from prompt embeddings:
///
/// 1. noise z ~ N(0, I) of shape `[B, C, h, w]`, h = 2·⌊H/(2f)⌋ (f = the codec's spatial factor),
///    packed 2×2 into `[B, (h/2)(w/2), 4C]` tokens;
/// 2. the flow-match schedule for that many tokens (``FlowMatchEulerScheduler``);
/// 3. per step, the transformer's velocity at σ, with true classifier-free guidance and per-token
///    renormalisation when a negative prompt is given and the scale exceeds 1
///    (``trueClassifierFreeGuidance(conditional:unconditional:scale:)``), then an Euler step;
/// 4. unpack, decode through the codec (the VAE de-normalises its latents), and map [−1, 1] to
///    [0, 1] (diffusers' `VaeImageProcessor.postprocess`).
///
/// Image sides must be multiples of 2f (diffusers rounds other sizes down with a warning; here
/// they are an error). The transformer's LoRA overlay and a per-token text ``modulation`` apply to
/// every step.
public final class QwenImageGenerator: Generator {
    public let transformer: QwenImageTransformer
    public let codec: any ImageCodec
    public let scheduler: FlowMatchEulerScheduler
    /// Per-token modulation of the text stream for the prompt (not the negative prompt).
    public var modulation: TextModulation?

    public init(transformer: QwenImageTransformer, codec: any ImageCodec, scheduler: FlowMatchEulerScheduler) {
        self.transformer = transformer
        self.codec = codec
        self.scheduler = scheduler
    }

    /// Loads a diffusers pipeline folder: `transformer/`, `vae/` and `scheduler/scheduler_config.json`
    /// (a `text_encoder/` beside them is not read: prompts are encoded by any ``TextEncoder``).
    /// Without `vae/` the generator works on pixels (see ``QwenImagePipelineFolder``). A LoRA file
    /// at the folder's root under diffusers' name ``QwenImagePipelineFolder/loraWeights`` (what
    /// `mokus customize` writes) is overlaid on the transformer.
    ///
    /// - Throws: the components' loading errors, naming the file (for the LoRA file, those of
    ///   ``QwenImageTransformer/loadLoRA(from:)``).
    public convenience init(directory: URL) throws {
        let transformer = try QwenImageTransformer(directory: directory.appending(path: QwenImagePipelineFolder.transformer))
        let lora = directory.appending(path: QwenImagePipelineFolder.loraWeights)
        if FileManager.default.fileExists(atPath: lora.path(percentEncoded: false)) { try transformer.loadLoRA(from: lora) }
        try self.init(
            transformer: transformer,
            codec: QwenImagePipelineFolder.codec(of: directory, transformer: transformer.configuration),
            scheduler: FlowMatchEulerScheduler(
                contentsOf: directory.appending(
                    path: "\(QwenImagePipelineFolder.scheduler)/\(QwenImagePipelineFolder.schedulerConfig)")))
    }

    public var conditioningWidth: Int { transformer.configuration.jointAttentionDim }

    /// Latent channels before packing (the codec's).
    public var latentChannels: Int { codec.latentChannels }

    /// The latent grid (h, w) of an image, before packing.
    ///
    /// - Throws: ``GeneratorError/invalidInput(name:expected:found:)`` unless both sides are
    ///   positive multiples of 2f.
    public func latentSize(width: Int, height: Int) throws -> (height: Int, width: Int) {
        let multiple = 2 * codec.spatialFactor
        guard width > 0, height > 0, width % multiple == 0, height % multiple == 0 else {
            throw GeneratorError.invalidInput(
                name: "size", expected: "width and height positive multiples of \(multiple)", found: "\(width)×\(height)")
        }
        return (height / codec.spatialFactor, width / codec.spatialFactor)
    }

    public func startSampling(
        prompt: PromptEmbeddings, negativePrompt: PromptEmbeddings?, settings: GenerationSettings
    ) throws -> any DenoisingProcess {
        try validate(prompt, name: "prompt embeddings", batch: nil)
        let batch = prompt.embeddings.shape[0]
        try checkMemory(settings, batch: batch, promptLength: prompt.embeddings.shape[1])
        let grid = try latentSize(width: settings.width, height: settings.height)
        guard settings.guidanceScale.isFinite else {
            throw GeneratorError.invalidInput(name: "guidance scale", expected: "a finite number", found: "\(settings.guidanceScale)")
        }
        if let negativePrompt { try validate(negativePrompt, name: "negative prompt embeddings", batch: batch) }
        let packedShape = PackedImageShape(height: grid.height / 2, width: grid.width / 2)
        let tokenShape = [batch, packedShape.tokenCount, 4 * latentChannels]
        let initial: Tensor
        if let given = settings.initialLatents {
            guard given.shape == tokenShape else {
                throw GeneratorError.invalidInput(name: "initial latents", expected: "\(tokenShape)", found: "\(given.shape)")
            }
            initial = given
        } else {
            var random = RandomGenerator(seed: settings.seed)
            initial = try LatentPacking.pack(random.normal([batch, latentChannels, grid.height, grid.width]))
        }
        let sigmas = try scheduler.sigmas(steps: settings.steps, imageSequenceLength: packedShape.tokenCount)
        let guided = negativePrompt.flatMap { settings.guidanceScale > 1 ? $0 : nil }
        let (transformer, modulation, scale) = (transformer, modulation, settings.guidanceScale)
        return FlowMatchSampling(initialLatents: initial, sigmas: sigmas) { latents, sigma in
            let timestep = Tensor(repeating: Float(sigma), shape: [batch])
            let conditional = try transformer.velocity(
                latents: latents, imageShapes: [packedShape], text: prompt.embeddings, textMask: prompt.mask,
                timestep: timestep, modulation: modulation)
            guard let guided else { return conditional }
            let unconditional = try transformer.velocity(
                latents: latents, imageShapes: [packedShape], text: guided.embeddings, textMask: guided.mask,
                timestep: timestep)
            return trueClassifierFreeGuidance(conditional: conditional, unconditional: unconditional, scale: scale)
        }
    }

    public func decode(_ latents: Tensor, settings: GenerationSettings) throws -> Tensor {
        let grid = try latentSize(width: settings.width, height: settings.height)
        let unpacked = try LatentPacking.unpack(latents, height: grid.height, width: grid.width)
        let image = try codec.decode(unpacked)
        return (image * 0.5 + 0.5).clamped(low: 0, high: 1)
    }

    private func validate(_ embeddings: PromptEmbeddings, name: String, batch: Int?) throws {
        let shape = embeddings.embeddings.shape
        guard shape.count == 3, shape[0] >= 1, shape[1] >= 1, shape[2] == conditioningWidth,
              batch.map({ shape[0] == $0 }) ?? true
        else {
            throw GeneratorError.invalidInput(
                name: name, expected: "[\(batch.map(String.init) ?? "B"), L, \(conditioningWidth)]", found: "\(shape)")
        }
        guard embeddings.mask.shape == [shape[0], shape[1]] else {
            throw GeneratorError.invalidInput(
                name: name + " mask", expected: "[\(shape[0]), \(shape[1])]", found: "\(embeddings.mask.shape)")
        }
    }
}
