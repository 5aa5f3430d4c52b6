import Foundation
import ModelInterfaces
import ModelIO
import Tensors
import TextEncoders

/// Writes trained parameters as a transformers checkpoint directory (`AutoModelForCausalLM` loads
/// it): `config.json` (the given config with `dtype`/`torch_dtype` set), `model.safetensors`
/// (metadata `format: pt`; tied aliases are not stored, as transformers saves them) and the
/// tokenizer files of the tokenizer directory. Atomic: the directory is assembled under a hidden
/// sibling name and renamed into place, replacing an existing one.
public enum LanguageModelExport {
    /// Tokenizer files copied when present.
    static let tokenizerFiles = [
        "tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt", "special_tokens_map.json",
        "added_tokens.json",
    ]

    /// - Parameters:
    ///   - parameters: the trainable parameters (tied aliases left out).
    ///   - dtype: `.float32` or `.bfloat16` (rounded to nearest even), or `.float16`.
    /// - Throws: ``TrainingError/writeFailed(file:reason:)``.
    public static func save(
        _ parameters: [NamedParameter], config: [String: Any], tokenizerDirectory: URL, dtype: DType, to output: URL
    ) throws {
        let outputPath = output.path(percentEncoded: false)
        var savedConfig = config
        let dtypeName = dtype == .bfloat16 ? "bfloat16" : dtype == .float16 ? "float16" : "float32"
        savedConfig["dtype"] = dtypeName
        savedConfig["torch_dtype"] = dtypeName
        do {
            try AtomicDirectory.write(output) { staging in
                try JSONSerialization.data(withJSONObject: savedConfig, options: [.prettyPrinted, .sortedKeys])
                    .write(to: staging.appending(path: "config.json"))
                try SafetensorsWriter.write(
                    parameters.map { SafetensorsEntry($0.name, $0.value, storedAs: dtype) },
                    to: staging.appending(path: "model.safetensors"), metadata: ["format": "pt"])
                try copyTokenizerFiles(from: tokenizerDirectory, to: staging)
            }
        } catch {
            throw TrainingError.writeFailed(file: outputPath, reason: ErrorText.reason(error))
        }
    }

    /// Copies the tokenizer files present in `source` into `destination`.
    static func copyTokenizerFiles(from source: URL, to destination: URL) throws {
        for name in tokenizerFiles
        where FileManager.default.fileExists(atPath: source.appending(path: name).path(percentEncoded: false)) {
            try FileManager.default.copyItem(at: source.appending(path: name), to: destination.appending(path: name))
        }
    }

    /// The id appended after every training text: `tokenizer_config.json`'s `eos_token` (a string
    /// or `{"content": …}`) when it encodes to one id, else `config.json`'s `eos_token_id`.
    /// - Throws: ``TrainingError/invalidConfiguration(key:reason:)`` when neither gives an id.
    public static func eosID(of encoder: some TextEncoder, tokenizerDirectory: URL, config: [String: Any]) throws -> Int
    {
        let url = tokenizerDirectory.appending(path: "tokenizer_config.json")
        if let data = FileManager.default.contents(atPath: url.path(percentEncoded: false)),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        {
            let token = object["eos_token"] as? String ?? (object["eos_token"] as? [String: Any])?["content"] as? String
            if let token, let ids = try? encoder.tokenize(token), ids.count == 1 { return ids[0] }
        }
        if let id = config["eos_token_id"] as? Int { return id }
        if let ids = config["eos_token_id"] as? [Int], let first = ids.first { return first }
        throw TrainingError.invalidConfiguration(
            key: "eos_token_id",
            reason: "no eos_token in \(url.path(percentEncoded: false)) and no eos_token_id in the config")
    }
}
