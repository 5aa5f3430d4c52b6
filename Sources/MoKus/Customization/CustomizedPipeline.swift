import Foundation
import Generators
import KnowledgeEditing
import ModelIO
import TextEncoders

/// The folder `mokus customize --out` writes: a diffusers pipeline that `mokus generate
/// --generator` (``Generators/QwenImageGenerator/init(directory:)``) runs as is.
///
///     model_index.json                  copied
///     transformer/ scheduler/ vae/ …    every other component model_index.json names, hard-linked
///                                       file by file (copied where the file system refuses links)
///     text_encoder/                     the edited encoder (``KnowledgeUpdate/save(_:session:to:hyperparameters:)``:
///                                       config, tokenizer, weights, mokus-edits.safetensors)
///     pytorch_lora_weights.safetensors  stage 1's LoRA, which the pipeline loader overlays
///     report.md metrics.json grid.png   the report (``CustomizationReport``), beside the components
///     images/                           (diffusers reads only what model_index.json names)
///
/// Hard links share the bytes of the source pipeline's unchanged files; the writers replace files
/// by renaming, never in place, so neither copy can change the other.
enum CustomizedPipeline {
    /// The components `model_index.json` of `source` names (keys without a leading `_` whose value is
    /// a non-null `[library, class]` pair) that exist as folders; the text encoder is left out.
    ///
    /// - Throws: ``Generators/GeneratorError/invalidConfiguration(file:key:reason:)`` for an
    ///   unreadable model_index.json.
    static func copiedComponents(of source: URL) throws -> [String] {
        let url = source.appending(path: QwenImagePipelineFolder.modelIndex)
        let path = url.path(percentEncoded: false)
        guard FileManager.default.fileExists(atPath: path) else {
            return [QwenImagePipelineFolder.transformer, QwenImagePipelineFolder.scheduler, QwenImagePipelineFolder.vae, "tokenizer"]
                .filter { isFolder(source.appending(path: $0)) }
        }
        guard let index = (try? JSONSerialization.jsonObject(with: Data(contentsOf: url))) as? [String: Any] else {
            throw GeneratorError.invalidConfiguration(file: path, key: "<root>", reason: "expected a JSON object")
        }
        return index.keys.sorted().filter { key in
            guard !key.hasPrefix("_"), key != textEncoder, let pair = index[key] as? [Any], pair.count == 2,
                  !(pair[0] is NSNull) else { return false }
            return isFolder(source.appending(path: key))
        }
    }

    static let textEncoder = "text_encoder"

    /// Fills `staging` (an empty folder) from `source`, the edited encoder and the LoRA.
    static func write(
        into staging: URL, source: URL, encoder: TransformerTextEncoder, session: EditSession, hyperparameters: String?,
        lora: LoRAOverlay
    ) throws {
        for component in try copiedComponents(of: source) {
            try link(source.appending(path: component), to: staging.appending(path: component))
        }
        let index = source.appending(path: QwenImagePipelineFolder.modelIndex)
        if FileManager.default.fileExists(atPath: index.path(percentEncoded: false)) {
            try copy(index, to: staging.appending(path: QwenImagePipelineFolder.modelIndex))
        }
        try KnowledgeUpdate.save(encoder, session: session, to: staging.appending(path: textEncoder), hyperparameters: hyperparameters)
        try lora.write(to: staging.appending(path: QwenImagePipelineFolder.loraWeights))
    }

    /// Recreates the folder `source` at `destination`, hard-linking each file (copying it when the
    /// link fails, e.g. across file systems).
    static func link(_ source: URL, to destination: URL) throws {
        let manager = FileManager.default
        try wrap(destination) { try manager.createDirectory(at: destination, withIntermediateDirectories: true) }
        let names = try wrap(source) { try manager.contentsOfDirectory(atPath: source.path(percentEncoded: false)) }
        for name in names.sorted() {
            let from = source.appending(path: name), to = destination.appending(path: name)
            if isFolder(from) {
                try link(from, to: to)
            } else if (try? manager.linkItem(at: from, to: to)) == nil {
                try copy(from, to: to)
            }
        }
    }

    private static func copy(_ source: URL, to destination: URL) throws {
        try wrap(destination) { try FileManager.default.copyItem(at: source, to: destination) }
    }

    /// Runs `body`, turning a Foundation error into ``ModelIO/ModelIOError/writeFailed(file:reason:)`` naming `url`.
    private static func wrap<T>(_ url: URL, _ body: () throws -> T) throws -> T {
        do { return try body() } catch {
            throw ModelIOError.writeFailed(file: url.path(percentEncoded: false), reason: (error as NSError).localizedDescription)
        }
    }

    static func isFolder(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path(percentEncoded: false), isDirectory: &isDirectory)
            && isDirectory.boolValue
    }
}
