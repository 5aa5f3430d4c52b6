import Tensors

/// What a ``Trainer`` minimises: a differentiable loss over a batch of examples, given the
/// parameters as tape variables. Model-agnostic: the objective decides what a parameter means.
public protocol TrainingObjective {
    /// Number of examples; batches are drawn from `0..<exampleCount`.
    var exampleCount: Int { get }
    /// Identifies the data and model definition in checkpoints (e.g. a SHA-256 of the corpus and
    /// config): a checkpoint is resumed only by an objective with the same fingerprint.
    var fingerprint: String { get }
    /// The loss on `examples`.
    /// - Parameters:
    ///   - parameters: the current values, tracked on a fresh tape, in the ``Trainer``'s order.
    ///   - examples: indices into `0..<exampleCount`.
    /// - Returns: a scalar loss tensor computed from `parameters`, and how many items (tokens,
    ///   images) it covers, for throughput.
    func loss(parameters: [Tensor], examples: [Int]) throws -> TrainingLoss
    /// The loss of optimisation step `step` (1-based) on `examples`. Objectives that draw random
    /// numbers per step (noise, noise levels, prompt dropout) seed them from `step`, so a resumed
    /// run draws exactly what an uninterrupted one would. The default ignores `step`.
    func loss(parameters: [Tensor], examples: [Int], step: Int) throws -> TrainingLoss
}

extension TrainingObjective {
    public func loss(parameters: [Tensor], examples: [Int], step: Int) throws -> TrainingLoss {
        try loss(parameters: parameters, examples: examples)
    }
}

/// A scalar loss and the number of items (tokens, images) it was computed on.
public struct TrainingLoss {
    public var value: Tensor
    public var itemCount: Int

    public init(value: Tensor, itemCount: Int) {
        self.value = value
        self.itemCount = itemCount
    }
}

/// A parameter by name, with its value.
public struct NamedParameter: Sendable {
    public var name: String
    public var value: Tensor

    public init(_ name: String, _ value: Tensor) {
        self.name = name
        self.value = value
    }
}
