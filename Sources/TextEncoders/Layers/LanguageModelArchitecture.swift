import ModelInterfaces
import Tensors

/// What each architecture file provides to ``TransformerTextEncoder``: its parameters and module
/// names (as the checkpoint spells them) and its forward pass.
protocol LanguageModelArchitecture {
    var info: TextEncoderInfo { get }
    /// Every parameter the architecture reads, with its shape.
    var declaredParameters: [(String, [Int])] { get }
    /// Parameters that may be absent because they share another's tensor.
    var tiedParameters: [String: String] { get }
    /// Checkpoint tensors to skip without loading (e.g. a vision tower, rotary caches).
    func isIgnored(_ key: String) -> Bool
    /// Runs the model up to the final norm; returns its output `[batch, length, width]`. Stores
    /// requested hidden states and captures in `context`.
    func hiddenStates(ids: [Int], batch: TokenBatch, weights: CheckpointWeights, context: ForwardContext) throws -> Tensor
    /// Peak bytes of one forward pass (see ``ForwardGuards/forwardBytes(batch:length:heads:width:mlpWidth:vocabulary:logitRows:)``).
    func forwardBytes(batch: Int, length: Int, logitRows: Int) -> Int
    /// The language-model head: `[batch, length, width]` → `[batch, length, vocabulary]`.
    func logits(_ hidden: Tensor, weights: CheckpointWeights, context: ForwardContext) throws -> Tensor
}
