/// Adam (Kingma & Ba, 2015) with the semantics of `torch.optim.Adam` (amsgrad off): bias-corrected
/// moments, ε outside the square root, and weight decay as an **L2 penalty added to the gradient**
/// (d = g + λ·p), which Adam then rescales. See ``AdamW`` for decoupled decay.
///
///     m ← β₁·m + (1 − β₁)·d,   v ← β₂·v + (1 − β₂)·d²
///     p ← p − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// State: two moment buffers per parameter. Defaults are PyTorch's.
public struct Adam: Optimizer {
    public let schedule: any LearningRateSchedule
    /// λ, the L2 coefficient added to the gradient.
    public let weightDecay: Float
    private var moments: AdamMoments

    /// - Precondition: 0 ≤ β₁, β₂ < 1, ε ≥ 0, weightDecay ≥ 0.
    public init(
        schedule: some LearningRateSchedule, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
        weightDecay: Float = 0
    ) {
        precondition(weightDecay >= 0, "Adam: weightDecay \(weightDecay) is negative")
        self.schedule = schedule
        self.weightDecay = weightDecay
        moments = AdamMoments(beta1: beta1, beta2: beta2, epsilon: epsilon, optimizer: "Adam")
    }

    public var beta1: Float { moments.beta1 }
    public var beta2: Float { moments.beta2 }
    public var epsilon: Float { moments.epsilon }
    public var stepCount: Int { moments.stepCount }

    /// - Complexity: O(total parameter count); no allocation after the first step.
    public mutating func step(parameters: inout [Tensor], gradients: [Tensor]) {
        moments.update(
            "Adam", parameters: &parameters, gradients: gradients,
            learningRate: schedule.learningRate(at: stepCount), l2Decay: weightDecay, decoupledDecay: 0)
    }
}

/// AdamW (Loshchilov & Hutter, 2019) with the semantics of `torch.optim.AdamW`: the weights decay
/// **directly**, p ← p·(1 − η·λ), before an Adam step whose gradient carries no penalty.
///
///     p ← p·(1 − η·λ)
///     m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²
///     p ← p − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// State: two moment buffers per parameter. Defaults are PyTorch's (λ = 0.01).
public struct AdamW: Optimizer {
    public let schedule: any LearningRateSchedule
    /// λ, the decoupled decay rate (scaled by the step's learning rate).
    public let weightDecay: Float
    private var moments: AdamMoments

    /// - Precondition: 0 ≤ β₁, β₂ < 1, ε ≥ 0, weightDecay ≥ 0.
    public init(
        schedule: some LearningRateSchedule, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
        weightDecay: Float = 0.01
    ) {
        precondition(weightDecay >= 0, "AdamW: weightDecay \(weightDecay) is negative")
        self.schedule = schedule
        self.weightDecay = weightDecay
        moments = AdamMoments(beta1: beta1, beta2: beta2, epsilon: epsilon, optimizer: "AdamW")
    }

    public var beta1: Float { moments.beta1 }
    public var beta2: Float { moments.beta2 }
    public var epsilon: Float { moments.epsilon }
    public var stepCount: Int { moments.stepCount }

    /// - Complexity: O(total parameter count); no allocation after the first step.
    public mutating func step(parameters: inout [Tensor], gradients: [Tensor]) {
        moments.update(
            "AdamW", parameters: &parameters, gradients: gradients,
            learningRate: schedule.learningRate(at: stepCount), l2Decay: 0, decoupledDecay: weightDecay)
    }
}
