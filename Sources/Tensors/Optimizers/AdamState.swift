/// The resumable state of an Adam-family optimizer (``Adam``, ``AdamW``): the number of steps
/// taken and the first and second moment estimates m and v, one Float32 buffer per parameter
/// (both lists empty before the first step). Restoring it with ``AdamOptimizer/restore(_:)``
/// continues the optimisation bit for bit.
public struct AdamState: Sendable, Equatable {
    public var stepCount: Int
    /// m, one buffer per parameter in parameter order.
    public var firstMoments: [[Float]]
    /// v, one buffer per parameter in parameter order.
    public var secondMoments: [[Float]]

    public init(stepCount: Int, firstMoments: [[Float]], secondMoments: [[Float]]) {
        self.stepCount = stepCount
        self.firstMoments = firstMoments
        self.secondMoments = secondMoments
    }

    /// Whether the step count is non-negative and m and v have the same number of buffers with
    /// pairwise equal sizes.
    public var isConsistent: Bool {
        stepCount >= 0 && firstMoments.count == secondMoments.count
            && zip(firstMoments, secondMoments).allSatisfy { $0.count == $1.count }
    }
}
