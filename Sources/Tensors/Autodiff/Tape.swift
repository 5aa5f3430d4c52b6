/// An explicit reverse-mode autodiff tape.
///
/// Values become differentiable by registering them with ``variable(_:)``; every operation whose
/// input is tracked records how to propagate gradients, and ``gradients(of:withRespectTo:seed:retainGraph:)``
/// walks those records backwards. Untracked values cost nothing: an operation on constants
/// records nothing, so inference simply never creates a tape ("no-grad mode" is the absence of one),
/// and ``pausingRecording(_:)`` stops recording inside a tape's lifetime.
///
/// ```swift
/// let tape = Tape()
/// let w = tape.variable(Tensor(shape: [2], scalars: [1, 2]))
/// let loss = (w * w).sum()
/// let grad = tape.gradients(of: loss, withRespectTo: [w])[0]   // [2, 4]
/// ```
///
/// Any tracked tensor can be asked for its gradient: a parameter, an injected delta, or an
/// intermediate activation. The backward pass frees each record's saved tensors as soon as it has
/// used them, and only visits records that lead from the loss to a requested tensor.
///
/// Tensors refer to their tape weakly: keep the tape alive while you need gradients. A tape is
/// used from one thread at a time. Backward functions run with recording paused, so gradients are
/// constants (no higher-order derivatives).
public final class Tape {
    /// Returns the gradients of an operation's inputs from the gradient of its output. `needs[i]`
    /// says whether input `i` wants a gradient; return `nil` where it does not.
    public typealias Backward = (_ outputGradient: Tensor, _ needs: [Bool]) -> [Tensor?]

    final class Record {
        let inputs: [Int?]
        let output: Int
        var backward: Backward?
        init(inputs: [Int?], output: Int, backward: @escaping Backward) {
            self.inputs = inputs
            self.output = output
            self.backward = backward
        }
    }

    private var records: [Record] = []
    private var nextID = 0
    /// Whether operations on tracked tensors are recorded now.
    public private(set) var isRecording = true

    public init() {}

    /// Number of operations recorded so far.
    public var recordCount: Int { records.count }

    /// Returns `value` as a new differentiable leaf on this tape (sharing its storage).
    public func variable(_ value: Tensor) -> Tensor {
        Tensor(shape: value.shape, storage: value.storage, node: newNode())
    }

    /// Runs `body` without recording; tensors it creates are constants.
    public func pausingRecording<R>(_ body: () throws -> R) rethrows -> R {
        let was = isRecording
        isRecording = false
        defer { isRecording = was }
        return try body()
    }

    /// Gradients of `output` with respect to each tensor in `targets`.
    ///
    /// - Parameters:
    ///   - output: a tracked tensor on this tape (usually a scalar loss).
    ///   - targets: tracked tensors of this tape: leaves or intermediates. A target that does not
    ///     influence `output` gets a zero gradient.
    ///   - seed: ∂L/∂output; defaults to ones (so a scalar loss gets gradient 1).
    ///   - retainGraph: keep the records for another call; by default they are freed as the walk
    ///     consumes them, and the tape cannot be walked again.
    /// - Returns: one gradient per target, each with its target's shape.
    /// - Complexity: one backward function per record between `output` and the targets.
    public func gradients(
        of output: Tensor, withRespectTo targets: [Tensor], seed: Tensor? = nil,
        retainGraph: Bool = false
    ) -> [Tensor] {
        guard let outputID = id(of: output, role: "output") else {
            return targets.map { Tensor.zeros($0.shape) }
        }
        let targetIDs = targets.map { id(of: $0, role: "target") }
        // Forward sweep: which ids lead to a requested target.
        var leadsToTarget = [Bool](repeating: false, count: nextID)
        for case let target? in targetIDs { leadsToTarget[target] = true }
        for record in records where !leadsToTarget[record.output] {
            leadsToTarget[record.output] = record.inputs.contains { $0.map { leadsToTarget[$0] } ?? false }
        }
        let keep = Set(targetIDs.compactMap { $0 })
        var gradients: [Int: Tensor] = [:]
        let initial = seed ?? Tensor.ones(output.shape)
        precondition(initial.shape == output.shape, "Tape: seed shape \(initial.shape) differs from output shape \(output.shape)")
        gradients[outputID] = initial.detached()

        pausingRecording {
            for record in records.reversed() where record.output <= outputID {
                guard leadsToTarget[record.output], let upstream = gradients[record.output] else { continue }
                guard let backward = record.backward else {
                    preconditionFailure("Tape: records were freed by an earlier gradients(...) call; pass retainGraph: true to walk twice")
                }
                if !keep.contains(record.output) { gradients[record.output] = nil }
                let needs = record.inputs.map { $0.map { leadsToTarget[$0] } ?? false }
                let inputGradients = backward(upstream, needs)
                if !retainGraph { record.backward = nil }
                for (input, gradient) in zip(record.inputs, inputGradients) {
                    guard let input, leadsToTarget[input], let gradient else { continue }
                    if let existing = gradients[input] {
                        precondition(existing.shape == gradient.shape, "Tape: gradient shape \(gradient.shape) differs from \(existing.shape)")
                        gradients[input] = existing + gradient
                    } else {
                        gradients[input] = gradient
                    }
                }
            }
        }
        if !retainGraph { records.removeAll() }
        return zip(targets, targetIDs).map { target, id in
            guard let id, let gradient = gradients[id] else { return Tensor.zeros(target.shape) }
            precondition(gradient.shape == target.shape, "Tape: gradient shape \(gradient.shape) differs from target shape \(target.shape)")
            return gradient
        }
    }

    /// Forgets every record (tracked tensors already made stay valid values).
    public func reset() { records.removeAll() }

    func newNode() -> TapeNode {
        defer { nextID += 1 }
        return TapeNode(tape: self, id: nextID)
    }

    func append(inputs: [Int?], backward: @escaping Backward) -> TapeNode {
        let node = newNode()
        records.append(Record(inputs: inputs, output: node.id, backward: backward))
        return node
    }

    private func id(of tensor: Tensor, role: String) -> Int? {
        guard let node = tensor.node else { return nil }
        precondition(node.tape === self, "Tape: the \(role) tensor belongs to another tape")
        return node.id
    }
}

/// A tensor's place on a tape. The tape is held weakly so saved tensors never form cycles.
struct TapeNode {
    weak var tape: Tape?
    let id: Int
}

extension Tensor {
    /// Whether this value is tracked by a tape that is recording.
    public var isTracked: Bool { node?.tape?.isRecording ?? false }

    /// The same values, untracked.
    public func detached() -> Tensor { Tensor(shape: shape, storage: storage) }

    /// Returns `output` tracked on the recording tape of `inputs` (if any), with `backward` as
    /// its gradient rule. Every differentiable operation ends with this call.
    static func recorded(_ output: Tensor, inputs: [Tensor], backward: @escaping Tape.Backward) -> Tensor {
        var tape: Tape?
        for input in inputs {
            guard let candidate = input.node?.tape, candidate.isRecording else { continue }
            if let tape { precondition(tape === candidate, "Tensor: inputs are tracked by different tapes") }
            tape = candidate
        }
        guard let tape else { return output }
        let ids = inputs.map { input -> Int? in
            guard let node = input.node, node.tape === tape else { return nil }
            return node.id
        }
        return Tensor(shape: output.shape, storage: output.storage, node: tape.append(inputs: ids, backward: backward))
    }
}
