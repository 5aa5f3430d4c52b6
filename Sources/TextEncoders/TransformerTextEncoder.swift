import Foundation
import KnowledgeEditing
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
    let architecture: any LanguageModelArchitecture
    let weights: CheckpointWeights
    private let moduleNameSet: Set<String>

    init(directory: URL, architecture: any LanguageModelArchitecture, weights: CheckpointWeights, tokenizer: any TextTokenizer) {
        self.directory = directory
        self.architecture = architecture
        self.info = architecture.info
        self.weights = weights
        self.tokenizer = tokenizer
        self.moduleNameSet = Set(architecture.info.moduleNames)
    }

    public func tokenize(_ text: String) throws -> [Int] { try tokenizer.encode(text) }

    public func detokenize(_ ids: [Int]) throws -> String { try tokenizer.decode(ids) }

    public var parameters: [ParameterInfo] { weights.parameters }

    public func parameter(_ name: String) throws -> Tensor { try weights.value(name) }

    public func setParameter(_ name: String, _ value: Tensor?) throws { try weights.replace(name, with: value) }

    /// Parameters currently replaced in memory.
    public var replacedParameters: [String] { weights.replacedNames }

    public func forward(_ batch: TokenBatch, hooks: ForwardHooks) throws -> ForwardOutput {
        let context = try ForwardContext(hooks: hooks, batch: batch, moduleNames: moduleNameSet)
        let ids = batch.paddedIDs
        if let bad = ids.first(where: { $0 < 0 || $0 >= info.vocabularySize }) {
            throw TextEncoderError.tokenOutOfRange(id: bad, vocabularySize: info.vocabularySize)
        }
        do {
            let final = try architecture.hiddenStates(ids: ids, batch: batch, weights: weights, context: context)
            if hooks.finalHiddenState { context.output.finalHiddenState = final }
            if hooks.computeLogits { context.output.logits = try architecture.logits(final, weights: weights, context: context) }
        } catch is ForwardContext.Stop {
            // The pass ended at `stopAfter`; captures so far are in the output.
        }
        return context.output
    }
}
