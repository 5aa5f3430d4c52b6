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
    ///
    /// - Returns: the handle that reads the captured value from the pass's ``ForwardOutput``
    ///   (`try output[handle]`).
    @discardableResult
    public mutating func capture(_ module: String, _ side: ModulePoint.Side, at rows: [Int]? = nil) -> Capture {
        let point = ModulePoint(module, side)
        captures[point] = rows
        return Capture(point: point)
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

/// A handle to a value that ``ForwardHooks/capture(_:_:at:)`` asked a pass to capture; read it
/// with ``ForwardOutput/subscript(_:)``.
public struct Capture: Hashable, Sendable {
    /// The module input or output captured.
    public let point: ModulePoint
}

/// What a forward pass returns.
///
/// The values the hooks asked for are read through non-optional, throwing accessors: a value the
/// pass did not compute (not requested, or past ``ForwardHooks/stopAfter``) is a
/// ``TextEncoderError/notComputed(output:reason:)``, never a `nil` to unwrap.
///
/// ```swift
/// var hooks = ForwardHooks()
/// let keys = hooks.capture("model.layers.5.mlp.down_proj", .input, at: rows)
/// let output = try encoder.forward(batch, hooks: hooks)
/// let k = try output[keys]          // [rows.count, 4864]
/// let logits = try output.logits    // [batch, length, vocabulary]
/// ```
public struct ForwardOutput {
    /// Captured module inputs/outputs, `[rows, width]`, by module point (read one with
    /// ``subscript(_:)``).
    public var captures: [ModulePoint: Tensor]
    /// Requested residual states by index (see ``ForwardHooks/hiddenStates``), `[batch, length,
    /// width]` (read one with ``hiddenState(_:)``).
    public var hiddenStates: [Int: Tensor]
    /// Whether the pass ended at ``ForwardHooks/stopAfter``.
    public var stoppedEarly: Bool
    private var computedLogits: Tensor?
    private var computedFinalHiddenState: Tensor?

    /// An output with the values an encoder computed; `nil` for what the pass did not compute.
    public init(logits: Tensor? = nil, hiddenStates: [Int: Tensor] = [:], finalHiddenState: Tensor? = nil,
                captures: [ModulePoint: Tensor] = [:], stoppedEarly: Bool = false) {
        self.computedLogits = logits
        self.hiddenStates = hiddenStates
        self.computedFinalHiddenState = finalHiddenState
        self.captures = captures
        self.stoppedEarly = stoppedEarly
    }

    /// `[batch, length, vocabulary]` (or `[rows, vocabulary]` with ``ForwardHooks/logitRows``).
    /// - Throws: ``TextEncoderError/notComputed(output:reason:)`` when ``ForwardHooks/computeLogits``
    ///   was off or the pass stopped early.
    public var logits: Tensor {
        get throws { try computed(computedLogits, "logits") }
    }

    /// Output of the final norm, `[batch, length, width]`.
    /// - Throws: ``TextEncoderError/notComputed(output:reason:)`` unless
    ///   ``ForwardHooks/finalHiddenState`` was set and the pass ran to the end.
    public var finalHiddenState: Tensor {
        get throws { try computed(computedFinalHiddenState, "the final hidden state") }
    }

    /// The captured value of `capture`, `[rows, width]`.
    /// - Throws: ``TextEncoderError/notComputed(output:reason:)`` when the pass never reached the
    ///   module (it stopped before it, or resumed above it) or the handle is from other hooks.
    public subscript(_ capture: Capture) -> Tensor {
        get throws { try computed(captures[capture.point], "the capture of \(capture.point)") }
    }

    /// Residual state `index` (0 = embeddings, i = output of block i), `[batch, length, width]`.
    /// - Throws: ``TextEncoderError/notComputed(output:reason:)`` unless `index` was in
    ///   ``ForwardHooks/hiddenStates`` and the pass reached it.
    public func hiddenState(_ index: Int) throws -> Tensor {
        try computed(hiddenStates[index], "hidden state \(index)")
    }

    /// Records logits (for encoders filling the output in).
    public mutating func setLogits(_ logits: Tensor) { computedLogits = logits }

    /// Records the final norm's output (for encoders filling the output in).
    public mutating func setFinalHiddenState(_ state: Tensor) { computedFinalHiddenState = state }

    private func computed(_ value: Tensor?, _ name: String) throws -> Tensor {
        guard let value else {
            throw TextEncoderError.notComputed(
                output: name, reason: stoppedEarly ? "the pass stopped early (stopAfter)" : "the hooks did not request it")
        }
        return value
    }
}
