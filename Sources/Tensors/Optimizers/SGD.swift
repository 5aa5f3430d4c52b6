/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, with
/// the semantics of `torch.optim.SGD`. For step t with learning rate η (from the schedule),
/// momentum μ, dampening τ and weight decay λ:
///
///     d  = g + λ·p
///     b  = d                        on the first step (the buffer starts as a copy of d)
///     b  = μ·b + (1 − τ)·d          afterwards
///     d  = d + μ·b  (Nesterov)  or  d = b  (classical)     — only when μ ≠ 0
///     p ← p − η·d
///
/// State: one momentum buffer per parameter when μ ≠ 0 (none otherwise).
public struct SGD: Optimizer {
    public let schedule: any LearningRateSchedule
    /// μ; 0 disables momentum.
    public let momentum: Float
    /// τ, which scales down the gradient's contribution to the momentum buffer.
    public let dampening: Float
    /// Whether to use Nesterov momentum (d + μ·b instead of b).
    public let nesterov: Bool
    /// λ, the L2 penalty coefficient added to the gradient.
    public let weightDecay: Float
    public private(set) var stepCount = 0
    private var momentumBuffers = ParameterBuffers()

    /// - Precondition: `momentum >= 0`, `weightDecay >= 0`; Nesterov needs `momentum > 0` and
    ///   `dampening == 0` (as in PyTorch).
    public init(
        schedule: some LearningRateSchedule, momentum: Float = 0, dampening: Float = 0,
        nesterov: Bool = false, weightDecay: Float = 0
    ) {
        precondition(momentum >= 0 && weightDecay >= 0,
                     "SGD: need momentum ≥ 0 and weightDecay ≥ 0, got \(momentum), \(weightDecay)")
        precondition(!nesterov || (momentum > 0 && dampening == 0),
                     "SGD: Nesterov momentum needs momentum > 0 and zero dampening, got \(momentum), \(dampening)")
        self.schedule = schedule
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    /// - Complexity: O(total parameter count); no allocation after the first step.
    public mutating func step(parameters: inout [Tensor], gradients: [Tensor]) {
        checkOptimizerArguments("SGD", parameters: parameters, gradients: gradients, state: momentumBuffers)
        let learningRate = schedule.learningRate(at: stepCount)
        let (mu, decay, gradientShare, useNesterov) = (momentum, weightDecay, 1 - dampening, nesterov)
        let firstStep = momentumBuffers.isEmpty
        if momentum != 0 { momentumBuffers.createIfNeeded(sizedLike: parameters) }

        for index in parameters.indices {
            gradients[index].withUnsafeBufferPointer { g in
                parameters[index].withUnsafeMutableBufferPointer { p in
                    guard mu != 0 else {
                        for j in 0..<p.count { p[j] -= learningRate * (g[j] + decay * p[j]) }
                        return
                    }
                    momentumBuffers.withBuffer(index) { buffer in
                        for j in 0..<p.count {
                            let d = g[j] + decay * p[j]
                            let b = firstStep ? d : mu * buffer[j] + gradientShare * d
                            buffer[j] = b
                            p[j] -= learningRate * (useNesterov ? d + mu * b : b)
                        }
                    }
                }
            }
        }
        stepCount += 1
    }
}
