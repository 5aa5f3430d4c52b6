import ModelInterfaces
import Tensors

/// What ``TransformerTextEncoder/forward(_:hooks:)`` checks around the architecture's pass: the
/// sequence fits the model's context and the pass's memory estimate fits ``MemoryBudget``
/// (before anything is allocated), and the final hidden state and the logits are finite (after).
///
/// The finiteness check is the documented cheap form of NaN/Inf detection on weights: instead of
/// reading every weight at load (a full pass over a 15 GB checkpoint), each forward pass reads
/// its own final hidden state and logits (one read of values it has just written, far less work
/// than the products that wrote them). NaN or infinity in any weight the pass used reaches them;
/// only then are the weights read, to name the first non-finite parameter.
enum ForwardGuards {
    /// Peak bytes of one forward pass without a tape: the attention scores of one layer (scores,
    /// probabilities and the masked copy: 3 × batch × heads × length² floats), the block's
    /// activations (residual, norms, q/k/v, MLP: about 8 × width + 3 × MLP width floats per token)
    /// and the logits with their log-softmax (2 × rows × vocabulary floats).
    static func forwardBytes(batch: Int, length: Int, heads: Int, width: Int, mlpWidth: Int, vocabulary: Int, logitRows: Int) -> Int {
        let scores = MemoryBudget.bytes(3, batch, heads, length, length, 4)
        let perToken = MemoryBudget.sum(MemoryBudget.bytes(8, width), MemoryBudget.bytes(3, mlpWidth))
        let activations = MemoryBudget.bytes(batch, length, perToken, 4)
        return MemoryBudget.sum(scores, activations, MemoryBudget.bytes(2, logitRows, vocabulary, 4))
    }

    /// Throws before a pass whose sequences are longer than the context or whose estimate is over
    /// the budget.
    static func checkBefore(_ batch: TokenBatch, hooks: ForwardHooks, architecture: any LanguageModelArchitecture) throws {
        if let maximum = architecture.info.maximumSequenceLength, batch.length > maximum {
            throw TextEncoderError.sequenceTooLong(length: batch.length, maximum: maximum)
        }
        let logitRows = hooks.computeLogits ? hooks.logitRows?.count ?? batch.batchSize * batch.length : 0
        let estimate = architecture.forwardBytes(batch: batch.batchSize, length: batch.length, logitRows: logitRows)
        try MemoryBudget.check(estimate, for: "a forward pass over \(batch.batchSize) × \(batch.length) tokens")
    }

    /// Throws when `output` (the final hidden state or the logits) holds NaN or infinity, naming
    /// the first non-finite weight when there is one (else the pass's output: a hook's delta or a
    /// value overflowing made it non-finite).
    static func checkAfter(_ output: Tensor, weights: CheckpointWeights) throws {
        guard output.firstNonFiniteIndex != nil else { return }
        throw TextEncoderError.nonFinite(name: weights.firstNonFiniteParameter().map { "parameter \"\($0)\"" }
                                         ?? "the forward pass's output")
    }
}
