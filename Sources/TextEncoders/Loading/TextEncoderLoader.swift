import Foundation
import ModelInterfaces
import ModelIO
import Tensors

/// Loads a checkpoint directory as a ``TransformerTextEncoder``, choosing the architecture by
/// `config.json`'s `model_type`.
public enum TextEncoderLoader {
    /// An architecture built from its config and the checkpoint's tensor names, with the
    /// alternative checkpoint spelling of its parameter names.
    typealias ArchitectureMaker = @Sendable (ConfigFile, [String]) throws -> (any LanguageModelArchitecture, @Sendable (String) -> String?)

    /// The architectures by `model_type`. The checkpoint's tensor names decide the Qwen2.5-VL key
    /// layout (`model.language_model.` or `model.`).
    static let architectures: [String: ArchitectureMaker] = [
        "qwen2": { config, _ in (RoPEDecoder(configuration: try .qwen2(config)), { _ in nil }) },
        "llama": { config, _ in (RoPEDecoder(configuration: try .llama(config)), { _ in nil }) },
        "qwen2_5_vl": { config, keys in (RoPEDecoder(configuration: try .qwen2_5_VL(config, keys: keys)), { _ in nil }) },
        "gpt2": { config, _ in (GPT2(configuration: try GPT2.configuration(config)), GPT2.unprefixedKey) },
    ]

    /// `model_type` values this loader understands.
    public static var supportedModelTypes: [String] { architectures.keys.sorted() }

    /// Loads `directory` (config.json, safetensors weights, and a tokenizer).
    ///
    /// - Parameter tokenizer: the tokenizer to use; by default `tokenizer.json` (or Qwen2's
    ///   `vocab.json` + `merges.txt` + `tokenizer_config.json`) in `directory`, else in the sibling
    ///   `tokenizer/` folder of a diffusers pipeline.
    /// - Throws: ``TextEncoderError`` for an unknown `model_type`, invalid configuration values,
    ///   missing, unexpected or mis-shaped tensors; `ModelIOError` for broken safetensors files;
    ///   `TokenizerError` for missing or broken tokenizer files.
    public static func load(directory: URL, tokenizer: (any TextTokenizer)? = nil) throws -> TransformerTextEncoder {
        let configURL = directory.appending(path: "config.json")
        let configBytes = try ConfigFile.contents(of: configURL)
        let config = try ConfigFile(path: configURL.path(percentEncoded: false), data: configBytes)
        let make = try architectureMaker(config)
        let checkpoint = try SafetensorsCheckpoint(directory: directory)
        let (architecture, alternativeKey) = try make(config, checkpoint.names)
        let weights = try CheckpointWeights(
            checkpoint: checkpoint, declared: architecture.declaredParameters, tied: architecture.tiedParameters,
            ignored: architecture.isIgnored, alternativeKey: alternativeKey)
        let tokenizer = try tokenizer ?? BPETextTokenizer(directory: directory)
        return TransformerTextEncoder(
            directory: directory, architecture: architecture, weights: weights, tokenizer: tokenizer,
            fingerprint: TransformerTextEncoder.fingerprint(checkpoint: checkpoint, configBytes: configBytes))
    }


    /// The maker for the config's `model_type`.
    static func architectureMaker(_ config: ConfigFile) throws -> ArchitectureMaker {
        let modelType = try config.required(try config.decode(ModelTypeDocument.self).modelType, "model_type", "a string")
        guard let make = architectures[modelType] else {
            throw TextEncoderError.unsupportedModelType(file: config.path, modelType: modelType, supported: supportedModelTypes)
        }
        return make
    }

    /// The key that selects the architecture.
    struct ModelTypeDocument: Codable {
        var modelType: String?
        enum CodingKeys: String, CodingKey { case modelType = "model_type" }
    }
}
