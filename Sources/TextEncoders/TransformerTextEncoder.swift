import Foundation
import ModelInterfaces
import ModelIO
import Tensors

/// A Hugging Face causal language model loaded from a checkpoint directory (config.json,
/// safetensors, tokenizer.json), conforming to ``TextEncoder``.
///
/// Create one with ``TextEncoderLoader/load(directory:)``. Parameters stay memory-mapped in
/// their storage type; ``setParameter(_:_:)`` keeps replacements in memory, and
/// ``CheckpointExporter`` writes the edited model back as a checkpoint directory.
public final class TransformerTextEncoder: TextEncoder {
    public let directory: URL
    public let info: TextEncoderInfo
    public let tokenizer: any TextTokenizer
    /// SHA-256 over the checkpoint's fingerprint and `config.json`, computed once at load (see
    /// ``fingerprint(checkpoint:configBytes:)``).
    public let fingerprint: String
    let architecture: any LanguageModelArchitecture
    let weights: CheckpointWeights
    private let moduleNameSet: Set<String>

    init(directory: URL, architecture: any LanguageModelArchitecture, weights: CheckpointWeights,
         tokenizer: any TextTokenizer, fingerprint: String) {
        self.directory = directory
        self.architecture = architecture
        self.info = architecture.info
        self.weights = weights
        self.tokenizer = tokenizer
        self.fingerprint = fingerprint
        self.moduleNameSet = Set(architecture.info.moduleNames)
    }

    /// The encoder fingerprint of a checkpoint directory: SHA-256 over the ASCII text
    /// `mokus-text-encoder-fingerprint/1` and a line feed, the 64 hex digits of
    /// `SafetensorsCheckpoint.fingerprint`, the byte count of `config.json` as a little-endian
    /// `UInt64`, and the bytes of `config.json` exactly as stored (so any edit of the file,
    /// even whitespace, gives a new fingerprint). The tokenizer is not part of it.
    ///
    /// - Complexity: the checkpoint fingerprint's cost (headers and 192 KiB of data per file)
    ///   plus the config's size.
    static func fingerprint(checkpoint: SafetensorsCheckpoint, configBytes: Data) -> String {
        var hasher = SHA256()
        hasher.update("mokus-text-encoder-fingerprint/1\n")
        hasher.update(checkpoint.fingerprint)
        hasher.update(littleEndian: UInt64(configBytes.count))
        hasher.update(configBytes)
        return hasher.finalize()
    }

    public func tokenize(_ text: String) throws -> [Int] { try tokenizer.encode(text) }

    public func detokenize(_ ids: [Int]) throws -> String { try tokenizer.decode(ids) }

    public var parameters: [ParameterInfo] { weights.parameters }

    public func parameter(_ name: String) throws -> Tensor { try weights.value(name) }

    public func setParameter(_ name: String, _ value: Tensor?) throws { try weights.replace(name, with: value) }

    /// Parameters that share another parameter's tensor (e.g. `lm_head.weight` →
    /// `model.embed_tokens.weight` with tied embeddings): alias → the parameter it shares.
    public var tiedParameters: [String: String] { architecture.tiedParameters }

    /// Parameters currently replaced in memory.
    public var replacedParameters: [String] { weights.replacedNames }

    public func hasReplacement(_ name: String) -> Bool { weights.replacedNames.contains(name) }

    public func forward(_ batch: TokenBatch, hooks: ForwardHooks) throws -> ForwardOutput {
        let context = try ForwardContext(hooks: hooks, batch: batch, moduleNames: moduleNameSet)
        let ids = batch.paddedIDs
        if let bad = ids.first(where: { $0 < 0 || $0 >= info.vocabularySize }) {
            throw TextEncoderError.tokenOutOfRange(id: bad, vocabularySize: info.vocabularySize)
        }
        try ForwardGuards.checkBefore(batch, hooks: hooks, architecture: architecture)
        do {
            let final = try architecture.hiddenStates(ids: ids, batch: batch, weights: weights, context: context)
            try ForwardGuards.checkAfter(final, weights: weights)
            if hooks.finalHiddenState { context.output.setFinalHiddenState(final) }
            if hooks.computeLogits {
                let selected = hooks.logitRows.map { final.reshaped([-1, info.hiddenSize]).indexSelect(axis: 0, $0) } ?? final
                let logits = try architecture.logits(selected, weights: weights, context: context)
                try ForwardGuards.checkAfter(logits, weights: weights)
                context.output.setLogits(logits)
            }
        } catch is ForwardContext.Stop {
            // The pass ended at `stopAfter`; captures so far are in the output.
        }
        return context.output
    }
}
