import Foundation
import ModelIO
import Tensors

/// The components of a diffusers `QwenImagePipeline` folder beyond the text encoder:
///
///     model_index.json                 the pipeline's class and each component's (library, class)
///     transformer/                     config.json + diffusion_pytorch_model.safetensors
///     scheduler/scheduler_config.json  FlowMatchEulerDiscreteScheduler
///     vae/                             AutoencoderKLQwenImage; absent for a pixel-space generator
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
    /// model_index.json key (ours; diffusers ignores keys starting with `_`) whose value
    /// `"template_prefix"` asks for ``PromptTemplate/Drop/templatePrefix``. Absent: diffusers' fixed drop.
    public static let promptTemplateDropKey = "_prompt_template_drop"

    /// The prompt template of the pipeline folder `directory`: ``PromptTemplate/qwenImage``, dropping
    /// the template prefix as the encoder's tokenizer splits it when model_index.json says so.
    ///
    /// - Throws: ``GeneratorError/invalidConfiguration(file:key:reason:)`` for an unreadable
    ///   model_index.json or an unknown drop value.
    public static func promptTemplate(of directory: URL) throws -> PromptTemplate {
        let url = directory.appending(path: modelIndex)
        let path = url.path(percentEncoded: false)
        guard FileManager.default.fileExists(atPath: path) else { return .qwenImage }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        } catch {
            throw GeneratorError.invalidConfiguration(file: path, key: "<root>", reason: "expected a JSON object: \(error)")
        }
        guard let index = object as? [String: Any] else {
            throw GeneratorError.invalidConfiguration(file: path, key: "<root>", reason: "expected a JSON object")
        }
        switch index[promptTemplateDropKey] {
        case nil: return .qwenImage
        case let value as String where value == "template_prefix": return .qwenImagePrefixDrop
        case let value?:
            throw GeneratorError.invalidConfiguration(
                file: path, key: promptTemplateDropKey, reason: "expected \"template_prefix\", found \(value)")
        }
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
    ///   - promptTemplate: the template the transformer was trained with; a template-prefix drop is
    ///     recorded under ``promptTemplateDropKey``.
    /// - Throws: ``ModelIOError`` when a file cannot be written.
    public static func writePixelPipeline(
        transformer model: QwenImageTransformer, scheduler: FlowMatchEulerScheduler, storedAs dtype: DType,
        textEncoderClass: String, promptTemplate: PromptTemplate, into directory: URL
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
        if promptTemplate.drop == .templatePrefix { index[promptTemplateDropKey] = "template_prefix" }
        try json(index).write(to: directory.appending(path: modelIndex), options: .atomic)
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
