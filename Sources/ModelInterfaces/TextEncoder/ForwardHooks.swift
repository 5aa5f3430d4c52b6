import Tensors

/// A place in the forward pass: a module's input or output, by Hugging Face module name.
public struct ModulePoint: Hashable, Sendable, CustomStringConvertible {
    public enum Side: String, Sendable { case input, output }
    public var module: String
    public var side: Side

    public init(_ module: String, _ side: Side) {
        self.module = module
        self.side = side
    }

    public var description: String { "\(module) (\(side.rawValue))" }
}

/// What to observe or change during one forward pass.
///
/// Positions are rows of the flattened `[batch × length]` token grid (see ``TokenBatch/row(_:_:)``).
/// Every module named here must exist in the model: the forward pass checks the names before it
/// computes anything.
public struct ForwardHooks {
    /// Module points to capture, with the rows to keep (`nil`: every row).
    public var captures: [ModulePoint: [Int]?] = [:]
    /// Additive deltas on module outputs: `delta[i]` is added to row `rows[i]`.
    public var deltas: [String: (rows: [Int], delta: Tensor)] = [:]
    /// Stop the pass right after this module (no logits; captures so far are returned).
    public var stopAfter: String?
    /// Residual-stream states to return: 0 = embeddings, i = output of block i (1-based, as
    /// transformers' `hidden_states`); ``finalHiddenState`` adds the output of the final norm.
    public var hiddenStates: Set<Int> = []
    /// Return the output of the final norm (the last element of transformers' `hidden_states`).
    public var finalHiddenState = false
    /// Compute `[batch, length, vocabulary]` logits (set false to save the LM-head product).
    public var computeLogits = true
    /// Compute logits only at these rows of the `[batch × length]` grid: ``ForwardOutput/logits``
    /// is then `[rows.count, vocabulary]`. An optimisation that scores a few positions (a target's
    /// tokens) skips most of the LM head, the largest matrix of a small model.
    public var logitRows: [Int]?
    /// Start the pass at block `layer` with this residual input (`[batch, length, width]`, the
    /// hidden state `layer` of an earlier pass over the same batch), skipping the embedding and
    /// blocks below: an optimisation that only changes things at block `layer` or above need not
    /// recompute the layers beneath it. Hooks on skipped modules never fire.
    public var resume: (layer: Int, hiddenState: Tensor)?

    public init() {}

    /// Captures `module`'s input or output at `rows` (`nil`: all rows) as a `[rows, width]` tensor.
    public mutating func capture(_ module: String, _ side: ModulePoint.Side, at rows: [Int]? = nil) {
        captures[ModulePoint(module, side)] = rows
    }

    /// Adds `delta` (`[rows.count, width]`, may be a tape variable) to `module`'s output at `rows`.
    public mutating func addDelta(_ module: String, at rows: [Int], _ delta: Tensor) {
        deltas[module] = (rows, delta)
    }

    /// Every module name the hooks refer to.
    public var moduleNames: Set<String> {
        Set(captures.keys.map(\.module)).union(deltas.keys).union(stopAfter.map { [$0] } ?? [])
    }
}

/// What a forward pass returns.
public struct ForwardOutput {
    /// `[batch, length, vocabulary]` (or `[rows, vocabulary]` with ``ForwardHooks/logitRows``),
    /// unless skipped or the pass stopped early.
    public var logits: Tensor?
    /// Requested residual states by index (see ``ForwardHooks/hiddenStates``), `[batch, length, width]`.
    public var hiddenStates: [Int: Tensor] = [:]
    /// Output of the final norm, `[batch, length, width]`, when requested.
    public var finalHiddenState: Tensor?
    /// Captured module inputs/outputs, `[rows, width]`.
    public var captures: [ModulePoint: Tensor] = [:]
    /// Whether the pass ended at ``ForwardHooks/stopAfter``.
    public var stoppedEarly = false

    public init() {}
}
