import Foundation
import ModelIO
import Tensors

/// The components of a diffusers `QwenImagePipeline` folder beyond the text encoder:
///
///     model_index.json                 the pipeline's class and each component's (library, class)
///     transformer/                     config.json + diffusion_pytorch_model.safetensors
///     scheduler/scheduler_config.json  FlowMatchEulerDiscreteScheduler
///     vae/                             AutoencoderKLQwenImage; absent for a pixel-space generator
///     pytorch_lora_weights.safetensors optional: a LoRA overlaid on the transformer
///
/// A folder without `vae/` (model_index.json's `"vae": [null, null]`) is a pixel-space generator:
/// its codec is the ``PixelPatchCodec`` of RGB images whose patch p makes 3·p² the transformer's
/// `out_channels` (p = 1 for out_channels 3: one pixel per latent position, 2×2 per token).
public enum QwenImagePipelineFolder {
    public static let modelIndex = "model_index.json"
    public static let transformer = "transformer"
    public static let scheduler = "scheduler"
    public static let schedulerConfig = "scheduler_config.json"
    public static let vae = "vae"
    /// A LoRA for the transformer at the folder's root, under the name diffusers'
    /// `save_lora_weights` gives it (`LORA_WEIGHT_NAME_SAFE`); ``QwenImageGenerator/init(directory:)``
    /// overlays it.
    public static let loraWeights = "pytorch_lora_weights.safetensors"
    /// The pipeline's own sampling defaults in model_index.json (ours; diffusers ignores keys that
    /// start with `_`): ``PipelineDefaults/templateDropKey``, ``PipelineDefaults/sampleSizeKey``,
    /// ``PipelineDefaults/stepsKey``. A folder without them (any diffusers pipeline) gets
    /// `QwenImagePipeline`'s defaults: 1024×1024, 50 steps, the fixed 34-token template drop.
    ///
    /// - Throws: ``GeneratorError/invalidConfiguration(file:key:reason:)`` naming model_index.json
    ///   and the key for an unreadable file or a value of the wrong kind.
    public static func defaults(of directory: URL) throws -> PipelineDefaults {
        let url = directory.appending(path: modelIndex)
        let path = url.path(percentEncoded: false)
        guard FileManager.default.fileExists(atPath: path) else { return PipelineDefaults() }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        } catch {
            throw GeneratorError.invalidConfiguration(file: path, key: "<root>", reason: "expected a JSON object: \(error)")
        }
        guard let index = object as? [String: Any] else {
            throw GeneratorError.invalidConfiguration(file: path, key: "<root>", reason: "expected a JSON object")
        }
        func count(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
            guard let value = index[key] else { return nil }
            guard let number = value as? NSNumber, !number.isJSONBoolean, let integer = Int(exactly: number.doubleValue),
                  range.contains(integer)
            else {
                throw GeneratorError.invalidConfiguration(
                    file: path, key: key, reason: "expected an integer in \(range), found \(value)")
            }
            return integer
        }
        var defaults = PipelineDefaults()
        switch index[PipelineDefaults.templateDropKey] {
        case nil: break
        case let value as String where value == "template_prefix": defaults.promptTemplate = .qwenImagePrefixDrop
        case let value?:
            throw GeneratorError.invalidConfiguration(
                file: path, key: PipelineDefaults.templateDropKey, reason: "expected \"template_prefix\", found \(value)")
        }
        if let size = try count(PipelineDefaults.sampleSizeKey, in: 8...4096) { (defaults.width, defaults.height) = (size, size) }
        if let steps = try count(PipelineDefaults.stepsKey, in: 1...1000) { defaults.steps = steps }
        switch index[PipelineDefaults.negativePromptKey] {
        case nil: break
        case let value as String: defaults.negativePrompt = value
        case let value?:
            throw GeneratorError.invalidConfiguration(
                file: path, key: PipelineDefaults.negativePromptKey, reason: "expected a string, found \(value)")
        }
        return defaults
    }

    /// The codec of the pipeline folder `directory`: its VAE when `vae/` exists, else the pixel codec
    /// that fits `transformer`.
    ///
    /// - Throws: the VAE's loading errors, or ``GeneratorError/invalidConfiguration(file:key:reason:)``
    ///   naming `transformer/config.json`'s `out_channels` when no pixel codec fits it.
    public static func codec(of directory: URL, transformer: QwenImageTransformerConfiguration) throws -> any ImageCodec {
        let vaeDirectory = directory.appending(path: vae)
        if FileManager.default.fileExists(atPath: vaeDirectory.path(percentEncoded: false)) {
            return try QwenImageVAE(directory: vaeDirectory)
        }
        let side = (1...16).first { 3 * $0 * $0 == transformer.outChannels }
        guard let side else {
            throw GeneratorError.invalidConfiguration(
                file: directory.appending(path: "\(Self.transformer)/config.json").path(percentEncoded: false),
                key: "out_channels",
                reason: "the pipeline has no vae/, so it must work on RGB pixels: expected 3·p² (3, 12, 27, …), "
                    + "found \(transformer.outChannels)")
        }
        return try PixelPatchCodec(imageChannels: 3, patchSize: side)
    }

    /// Writes `model_index.json`, `transformer/` (``QwenImageTransformer/save(to:storedAs:)``) and
    /// `scheduler/` of a pixel-space generator into `directory` (created when missing); each
    /// component is replaced atomically. The text encoder and tokenizer folders are the caller's.
    ///
    /// - Parameters:
    ///   - textEncoderClass: the transformers class named for `text_encoder`.
    ///   - defaults: what `mokus generate` uses unless told otherwise (size, steps, the template the
    ///     transformer was trained with); recorded in model_index.json (``defaults(of:)``).
    /// - Throws: ``ModelIOError`` when a file cannot be written.
    public static func writePixelPipeline(
        transformer model: QwenImageTransformer, scheduler: FlowMatchEulerScheduler, storedAs dtype: DType,
        textEncoderClass: String, defaults: PipelineDefaults, into directory: URL
    ) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try model.save(to: directory.appending(path: transformer), storedAs: dtype)
        try AtomicDirectory.write(directory.appending(path: Self.scheduler)) { staging in
            try json(scheduler.configuration.diffusersConfig).write(to: staging.appending(path: schedulerConfig))
        }
        var index: [String: Any] = [
            "_class_name": "QwenImagePipeline", "_diffusers_version": "0.36.0",
            "scheduler": ["diffusers", "FlowMatchEulerDiscreteScheduler"],
            "text_encoder": ["transformers", textEncoderClass], "tokenizer": ["transformers", "Qwen2TokenizerFast"],
            "transformer": ["diffusers", "QwenImageTransformer2DModel"], "vae": [NSNull(), NSNull()],
        ]
        if defaults.promptTemplate.drop == .templatePrefix { index[PipelineDefaults.templateDropKey] = "template_prefix" }
        if defaults.width == defaults.height { index[PipelineDefaults.sampleSizeKey] = defaults.width }
        index[PipelineDefaults.stepsKey] = defaults.steps
        if let negative = defaults.negativePrompt { index[PipelineDefaults.negativePromptKey] = negative }
        try json(index).writeAtomically(to: directory.appending(path: modelIndex))
    }

    private static func json(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }
}

extension FlowMatchEulerScheduler.Configuration {
    /// The `scheduler_config.json` of this configuration, as diffusers writes it (the options
    /// Qwen-Image leaves off written as false).
    public var diffusersConfig: [String: Any] {
        [
            "_class_name": "FlowMatchEulerDiscreteScheduler", "_diffusers_version": "0.36.0",
            "num_train_timesteps": trainTimesteps, "shift": shift, "use_dynamic_shifting": useDynamicShifting,
            "base_shift": baseShift, "max_shift": maxShift, "base_image_seq_len": baseImageSequenceLength,
            "max_image_seq_len": maxImageSequenceLength, "shift_terminal": shiftTerminal.map { $0 as Any } ?? NSNull(),
            "time_shift_type": timeShift.rawValue, "invert_sigmas": false, "use_karras_sigmas": false,
            "use_exponential_sigmas": false, "use_beta_sigmas": false, "stochastic_sampling": false,
        ]
    }
}

/// Sampling defaults of a pipeline folder (``QwenImagePipelineFolder/defaults(of:)``).
public struct PipelineDefaults: Sendable, Equatable {
    /// model_index.json key: `"template_prefix"` asks for ``PromptTemplate/Drop/templatePrefix``.
    public static let templateDropKey = "_prompt_template_drop"
    /// model_index.json key: the square image side in pixels.
    public static let sampleSizeKey = "_sample_size"
    /// model_index.json key: the denoising step count.
    public static let stepsKey = "_num_inference_steps"
    /// model_index.json key: the negative prompt used when none is given (a pipeline trained with
    /// prompt dropout names the prompt it dropped to, so guidance is on by default).
    public static let negativePromptKey = "_negative_prompt"

    public var width = 1024
    public var height = 1024
    public var steps = 50
    public var promptTemplate = PromptTemplate.qwenImage
    /// nil: no classifier-free guidance unless a negative prompt is given (diffusers' default).
    public var negativePrompt: String?

    public init() {}

    public init(size: Int, steps: Int, promptTemplate: PromptTemplate, negativePrompt: String? = nil) {
        (width, height, self.steps, self.promptTemplate) = (size, size, steps, promptTemplate)
        self.negativePrompt = negativePrompt
    }
}
