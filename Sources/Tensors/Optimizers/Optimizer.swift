/// A first-order optimizer: updates parameter tensors in place from their gradients.
///
/// Parameters are passed **positionally**, as `torch.optim` keeps them in a list: the i-th gradient
/// belongs to the i-th parameter, and the optimizer's per-parameter state (momentum buffers, Adam
/// moments) is created lazily on the first step, sized like each parameter, and bound to its
/// position. Every later call must pass the same parameters in the same order. An editor that
/// optimises a few named tensors keeps its own name → index order (e.g. a sorted key list); a
/// training loop passes its whole parameter list. Positional state needs no hashing or string
/// handling inside the update, and one optimizer value serves either use.
///
/// Passing a different number of parameters, a gradient whose shape differs from its parameter's,
/// or a parameter whose size changed since the state was created is a programming error and stops
/// the program with a message naming the optimizer, the position and both shapes (the `Tensors`
/// policy for shape errors).
///
/// The learning rate of each step is read from ``schedule`` at ``stepCount`` (then incremented).
/// Updates bypass the tape: call `step` outside any differentiated computation.
///
/// ```swift
/// var optimizer = AdamW(schedule: .constant(1e-3))
/// for _ in 0..<steps {
///     let gradients = computeGradients(parameters)
///     optimizer.step(parameters: &parameters, gradients: gradients)
/// }
/// ```
public protocol Optimizer: Sendable {
    /// Where each step's learning rate comes from.
    var schedule: any LearningRateSchedule { get }
    /// Number of steps taken so far; the next step uses `schedule.learningRate(at: stepCount)`.
    var stepCount: Int { get }
    /// Applies one update to every parameter and increments ``stepCount``.
    /// - Parameters:
    ///   - parameters: the tensors to update, in the same order at every call.
    ///   - gradients: ∂loss/∂parameter for each parameter, same shapes.
    mutating func step(parameters: inout [Tensor], gradients: [Tensor])
}

extension Optimizer {
    /// The learning rate the next ``step(parameters:gradients:)`` will use.
    public var nextLearningRate: Float { schedule.learningRate(at: stepCount) }
}

/// Per-parameter optimizer state: one Float32 buffer for each parameter position, created on the
/// first step that needs it (zero-filled, or by the optimizer's own rule).
struct ParameterBuffers: Sendable {
    private(set) var buffers: [[Float]] = []

    init(buffers: [[Float]] = []) { self.buffers = buffers }

    /// Whether the buffers have been created.
    var isEmpty: Bool { buffers.isEmpty }

    /// Creates zero buffers sized like `parameters`, if not yet created.
    mutating func createIfNeeded(sizedLike parameters: [Tensor]) {
        if buffers.isEmpty { buffers = parameters.map { [Float](repeating: 0, count: $0.count) } }
    }

    /// Calls `body` with buffer `index`, mutable and uniquely owned.
    mutating func withBuffer<R>(_ index: Int, _ body: (UnsafeMutableBufferPointer<Float>) -> R) -> R {
        buffers[index].withUnsafeMutableBufferPointer { body($0) }
    }
}

/// Stops with a message when `gradients` do not match `parameters`, or when existing state buffers
/// were sized for other parameters.
func checkOptimizerArguments(
    _ optimizer: String, parameters: [Tensor], gradients: [Tensor], state: ParameterBuffers
) {
    precondition(
        parameters.count == gradients.count,
        "\(optimizer).step: \(parameters.count) parameters but \(gradients.count) gradients")
    precondition(
        state.isEmpty || state.buffers.count == parameters.count,
        "\(optimizer).step: state was created for \(state.buffers.count) parameters, got \(parameters.count)")
    for index in parameters.indices {
        precondition(
            gradients[index].shape == parameters[index].shape,
            "\(optimizer).step: gradient \(index) has shape \(gradients[index].shape), "
                + "its parameter has shape \(parameters[index].shape)")
        precondition(
            state.isEmpty || state.buffers[index].count == parameters[index].count,
            "\(optimizer).step: parameter \(index) (shape \(parameters[index].shape)) has "
                + "\(parameters[index].count) elements, its state was created for \(state.buffers[index].count)")
    }
}
