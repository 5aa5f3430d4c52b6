import Foundation
import ModelInterfaces
import ModelIO
import Tensors
import TextEncoders

/// Next-token cross-entropy of a causal language model, as a ``TrainingObjective``: each example
/// is one token sequence (a text with its eos id appended, see ``LanguageModelCorpus``); a batch is
/// right-padded, and the loss is the mean over every real token that has a successor in its
/// sequence of −log p(next token) (transformers' `ForCausalLMLoss`: labels = ids, shifted by one,
/// padding ignored). Only the rows that have a target go through the LM head.
///
/// Parameters are the encoder's parameters less tied aliases (an aliased `lm_head.weight` is set
/// to its embedding's tape variable, so both uses add to one gradient). Each loss call installs
/// the tape variables as the encoder's replacements (``TextEncoder/setParameter(_:_:)``).
public final class CausalLanguageModelObjective: TrainingObjective {
    public let encoder: TransformerTextEncoder
    public let examples: [[Int]]
    /// Trainable parameter names, in ``initialParameters()`` order.
    public let parameterNames: [String]
    public let fingerprint: String

    /// - Throws: ``TrainingError/emptyDataset(reason:)`` when no example has two tokens.
    public init(encoder: TransformerTextEncoder, examples: [[Int]]) throws {
        let usable = examples.filter { $0.count >= 2 }
        guard !usable.isEmpty else {
            throw TrainingError.emptyDataset(reason: "no sequence has two tokens (\(examples.count) sequences)")
        }
        self.encoder = encoder
        self.examples = usable
        parameterNames = encoder.parameters.map(\.name).filter { encoder.tiedParameters[$0] == nil }
        var hasher = SHA256()
        hasher.update("mokus-causal-lm-objective/1\n\(encoder.fingerprint)\n")
        for example in usable { hasher.update(example.map(String.init).joined(separator: " ") + "\n") }
        fingerprint = hasher.finalize()
    }

    public var exampleCount: Int { examples.count }

    /// The encoder's current values of the trainable parameters (fresh Float32 copies).
    public func initialParameters() throws -> [NamedParameter] {
        try parameterNames.map { name in
            let value = try encoder.parameter(name)
            return NamedParameter(name, Tensor(shape: value.shape, scalars: value.scalars))
        }
    }

    /// Sets the encoder's parameters to `values` (tape variables or plain tensors), aliases included.
    public func install(_ values: [Tensor]) throws {
        let byName = Dictionary(uniqueKeysWithValues: zip(parameterNames, values))
        for (name, value) in byName { try encoder.setParameter(name, value) }
        for (alias, target) in encoder.tiedParameters { try encoder.setParameter(alias, byName[target]) }
    }

    public func loss(parameters: [Tensor], examples indices: [Int]) throws -> TrainingLoss {
        try install(parameters)
        let batch = TokenBatch(indices.map { examples[$0] }, padding: .right, padID: 0)
        var rows: [Int] = []
        var targets: [Int] = []
        for (b, sequence) in batch.sequences.enumerated() {
            for t in 0..<(sequence.count - 1) {
                rows.append(batch.row(b, t))
                targets.append(sequence[t + 1])
            }
        }
        var hooks = ForwardHooks()
        hooks.logitRows = rows
        let logits = try encoder.forward(batch, hooks: hooks).logits
        return TrainingLoss(
            value: logits.reshaped([rows.count, -1]).crossEntropy(targets: targets), itemCount: rows.count)
    }
}
