import Foundation
import ModelInterfaces
import ModelIO
import Tensors
import TextEncoders
import Training

/// The Enc-FT objective (``EncoderFineTuning``): squared distances between the tuned encoder's
/// final-norm states at chosen positions of a token sequence and fixed target states,
///
///     L(θ) = (1/|B|) Σ_{e∈B} w_e · mean_{i,d} (E_θ(x_e)[p_e + i, d] − T_e[i, d])²,
///
/// with θ the trainable parameters (installed as the encoder's replacements on every call, as
/// ``Training/CausalLanguageModelObjective`` does) and T_e computed once by the frozen encoder.
final class EncoderFineTuningObjective: TrainingObjective {
    /// One sequence, the positions compared and their targets.
    struct Example {
        var ids: [Int]
        /// The first compared position; `target.shape[0]` positions are compared.
        var start: Int
        /// `[positions, width]`.
        var target: Tensor
        /// w_e: 1 for erasure examples, the preservation weight λ for the others.
        var weight: Float
    }

    let encoder: TransformerTextEncoder
    let examples: [Example]
    let parameterNames: [String]
    let fingerprint: String

    init(encoder: TransformerTextEncoder, examples: [Example], parameterNames: [String]) {
        self.encoder = encoder
        self.examples = examples
        self.parameterNames = parameterNames
        var hasher = SHA256()
        hasher.update("mokus-enc-ft/1\n\(encoder.fingerprint)\n\(parameterNames.joined(separator: ","))\n")
        for example in examples { hasher.update("\(example.ids) \(example.start) \(example.weight)\n") }
        fingerprint = hasher.finalize()
    }

    var exampleCount: Int { examples.count }

    /// The final-norm states `[tokens, width]` of `ids` on the encoder's current parameters.
    static func states(_ ids: [Int], encoder: TransformerTextEncoder) throws -> Tensor {
        var hooks = ForwardHooks()
        hooks.finalHiddenState = true
        hooks.computeLogits = false
        return try encoder.forward(TokenBatch([ids]), hooks: hooks).finalHiddenState.reshaped([ids.count, encoder.info.hiddenSize])
    }

    func loss(parameters: [Tensor], examples indices: [Int]) throws -> TrainingLoss {
        for (name, value) in zip(parameterNames, parameters) { try encoder.setParameter(name, value) }
        var total: Tensor?
        var positions = 0
        for index in indices {
            let example = examples[index]
            let count = example.target.shape[0]
            let difference = try Self.states(example.ids, encoder: encoder).slice(axis: 0, example.start..<(example.start + count))
                - example.target
            let term = (difference * difference).mean() * example.weight
            total = total.map { $0 + term } ?? term
            positions += count
        }
        return TrainingLoss(value: (total ?? Tensor(0)) * (1 / Float(max(indices.count, 1))), itemCount: positions)
    }
}
