/// Adam (Kingma & Ba, 2015) with the semantics of `torch.optim.Adam` (amsgrad off): bias-corrected
/// moments, ε outside the square root, and weight decay as an **L2 penalty added to the gradient**
/// (d = g + λ·p), which Adam then rescales. See ``AdamW`` for decoupled decay.
///
///     m ← β₁·m + (1 − β₁)·d,   v ← β₂·v + (1 − β₂)·d²
///     p ← p − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// State: two moment buffers per parameter. Defaults are PyTorch's (λ = 0).
public typealias Adam = AdamOptimizer<L2WeightDecay>

/// AdamW (Loshchilov & Hutter, 2019) with the semantics of `torch.optim.AdamW`: the weights decay
/// **directly**, p ← p·(1 − η·λ), before an Adam step whose gradient carries no penalty.
///
///     p ← p·(1 − η·λ)
///     m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²
///     p ← p − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// State: two moment buffers per parameter. Defaults are PyTorch's (λ = 0.01).
public typealias AdamW = AdamOptimizer<DecoupledWeightDecay>

/// How an Adam-family optimizer applies weight decay λ: added to the gradient (Adam) or to the
/// weights directly (AdamW).
public protocol AdamWeightDecay: Sendable {
    /// The optimizer's name in messages (`"Adam"`, `"AdamW"`).
    static var name: String { get }
    /// PyTorch's default λ.
    static var defaultWeightDecay: Float { get }
    /// (L2 coefficient, decoupled coefficient) for decay λ.
    static func coefficients(_ weightDecay: Float) -> (l2: Float, decoupled: Float)
}

/// Adam's rule: λ·p is added to the gradient.
public enum L2WeightDecay: AdamWeightDecay {
    public static let name = "Adam"
    public static let defaultWeightDecay: Float = 0
    public static func coefficients(_ weightDecay: Float) -> (l2: Float, decoupled: Float) { (weightDecay, 0) }
}

/// AdamW's rule: p ← p·(1 − η·λ) before the step.
public enum DecoupledWeightDecay: AdamWeightDecay {
    public static let name = "AdamW"
    public static let defaultWeightDecay: Float = 0.01
    public static func coefficients(_ weightDecay: Float) -> (l2: Float, decoupled: Float) { (0, weightDecay) }
}

/// The Adam family (``Adam``, ``AdamW``): one moment state and update, the decay rule as a type.
public struct AdamOptimizer<Decay: AdamWeightDecay>: Optimizer {
    public let schedule: any LearningRateSchedule
    /// λ, applied by the ``AdamWeightDecay`` rule.
    public let weightDecay: Float
    private var moments: AdamMoments

    /// - Precondition: 0 ≤ β₁, β₂ < 1, ε ≥ 0, weightDecay ≥ 0.
    public init(
        schedule: some LearningRateSchedule, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
        weightDecay: Float = Decay.defaultWeightDecay
    ) {
        precondition(weightDecay >= 0, "\(Decay.name): weightDecay \(weightDecay) is negative")
        self.schedule = schedule
        self.weightDecay = weightDecay
        moments = AdamMoments(beta1: beta1, beta2: beta2, epsilon: epsilon, optimizer: Decay.name)
    }

    public var beta1: Float { moments.beta1 }
    public var beta2: Float { moments.beta2 }
    public var epsilon: Float { moments.epsilon }
    public var stepCount: Int { moments.stepCount }

    /// The step count and both moment buffers (empty before the first step), for checkpoints.
    public var state: AdamState { moments.state }

    /// Continues from a saved ``state``: the next step is step `state.stepCount` of the schedule,
    /// with the saved moments, exactly as if the optimizer had taken those steps itself.
    /// - Precondition: both moment lists have the same length and matching buffer sizes
    ///   (``AdamState/isConsistent``); they must match the parameters of the next step.
    public mutating func restore(_ state: AdamState) {
        precondition(state.isConsistent, "\(Decay.name).restore: inconsistent moment buffers")
        moments.restore(state)
    }

    /// - Complexity: O(total parameter count); no allocation after the first step.
    public mutating func step(parameters: inout [Tensor], gradients: [Tensor]) {
        let (l2, decoupled) = Decay.coefficients(weightDecay)
        moments.update(
            Decay.name, parameters: &parameters, gradients: gradients,
            learningRate: schedule.learningRate(at: stepCount), l2Decay: l2, decoupledDecay: decoupled)
    }
}
