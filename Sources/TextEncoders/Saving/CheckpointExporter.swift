import Foundation
import ModelIO
import ModelInterfaces
import Tensors

/// Writes a ``TransformerTextEncoder`` with its in-memory replacements as a checkpoint directory
/// that transformers loads like the original.
///
/// What is written: every file of the source directory other than safetensors weights and their
/// index is copied unchanged (config.json, tokenizer files, generation config, …); every
/// safetensors file is rewritten under its own name with the same tensors, untouched tensors
/// copied byte for byte and replaced ones encoded in their original storage type (bf16 rounds to
/// nearest even); the index, if any, is copied (names, shards and sizes do not change). Tensors
/// the architecture ignores, such as a Qwen2.5-VL vision tower, are kept.
///
/// A replacement of a tied parameter (e.g. `lm_head.weight` tied to the embeddings) is written
/// into the shared tensor, so the saved model stays tied, as transformers would save it.
///
/// Atomic: everything is written into a temporary sibling directory first, which is renamed to
/// `destination` only when complete. An existing `destination` is replaced only when
/// `overwrite` is true (it is moved aside first and deleted after the rename).
public enum CheckpointExporter {
    public static func save(_ encoder: TransformerTextEncoder, to destination: URL, overwrite: Bool = false) throws {
        let fileManager = FileManager.default
        let destinationPath = destination.path(percentEncoded: false)
        if fileManager.fileExists(atPath: destinationPath) && !overwrite {
            throw ModelIOError.writeFailed(file: destinationPath, reason: "already exists (pass overwrite to replace it)")
        }
        do {
            try AtomicDirectory.write(destination) { staging in try writeContents(of: encoder, into: staging) }
        } catch let error as ModelIOError {
            throw error
        } catch {
            throw ModelIOError.writeFailed(file: destinationPath, reason: ErrorText.reason(error))
        }
    }

    private static func writeContents(of encoder: TransformerTextEncoder, into staging: URL) throws {
        let weights = encoder.weights
        let checkpoint = weights.checkpoint
        // Checkpoint key → replacement value.
        var replaced: [String: (Tensor, DType)] = [:]
        for name in weights.replacedNames {
            guard let key = weights.key(of: name) else { throw TextEncoderError.unknownParameter(name: name, suggestion: nil) }
            replaced[key] = (try weights.value(name), try weights.info(name).dtype)
        }
        let weightFiles = Set(checkpoint.files.map { $0.url.lastPathComponent })
        for item in try FileManager.default.contentsOfDirectory(at: checkpoint.directory, includingPropertiesForKeys: nil) {
            let name = item.lastPathComponent
            guard !weightFiles.contains(name), !name.hasPrefix(".") else { continue }
            try FileManager.default.copyItem(at: item, to: staging.appending(path: name))
        }
        for file in checkpoint.files {
            let entries = try file.names.map { name -> SafetensorsEntry in
                if let (value, dtype) = replaced[name] { return SafetensorsEntry(name, value, storedAs: dtype) }
                return try SafetensorsEntry(copying: name, from: file)
            }
            try SafetensorsWriter.write(entries, to: staging.appending(path: file.url.lastPathComponent), metadata: file.metadata)
        }
    }
}
