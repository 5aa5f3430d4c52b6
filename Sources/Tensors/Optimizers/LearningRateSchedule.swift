import Foundation

/// The learning rate of each optimisation step.
///
/// Steps are counted from 0: an optimizer's first update uses `learningRate(at: 0)`, its n-th
/// update `learningRate(at: n - 1)`. This matches `torch.optim.lr_scheduler.LambdaLR` driven as in
/// transformers' `Trainer` (one `scheduler.step()` after each `optimizer.step()`), so with a warmup
/// the very first update has learning rate 0, exactly as there.
///
/// ```swift
/// var adam = AdamW(schedule: .warmupCosine(peak: 1e-3, warmupSteps: 100, totalSteps: 1000))
/// ```
public protocol LearningRateSchedule: Sendable {
    /// The learning rate of step `step` (0-based).
    func learningRate(at step: Int) -> Float
}

/// The same learning rate at every step.
public struct ConstantSchedule: LearningRateSchedule, Equatable {
    public let value: Float

    /// - Precondition: `value >= 0`.
    public init(_ value: Float) {
        precondition(value >= 0, "ConstantSchedule: learning rate \(value) is negative")
        self.value = value
    }

    public func learningRate(at step: Int) -> Float { value }
}

/// Linear warmup from 0 to `peak` over `warmupSteps` steps, then constant (transformers'
/// `get_constant_schedule_with_warmup`):
///
///     lr(s) = peak · s / max(1, W)   for s < W
///     lr(s) = peak                   for s ≥ W
public struct WarmupConstantSchedule: LearningRateSchedule, Equatable {
    public let peak: Float
    public let warmupSteps: Int

    /// - Precondition: `peak >= 0` and `warmupSteps >= 0`.
    public init(peak: Float, warmupSteps: Int) {
        precondition(peak >= 0 && warmupSteps >= 0,
                     "WarmupConstantSchedule: need peak ≥ 0 and warmupSteps ≥ 0, got \(peak), \(warmupSteps)")
        self.peak = peak
        self.warmupSteps = warmupSteps
    }

    public func learningRate(at step: Int) -> Float {
        Float(Double(peak) * (warmupFraction(step, warmupSteps) ?? 1))
    }
}

/// Linear warmup to `peak`, then linear decay to 0 at `totalSteps` (transformers'
/// `get_linear_schedule_with_warmup`):
///
///     lr(s) = peak · s / max(1, W)                      for s < W
///     lr(s) = peak · max(0, (T − s) / max(1, T − W))    for s ≥ W
public struct WarmupLinearDecaySchedule: LearningRateSchedule, Equatable {
    public let peak: Float
    public let warmupSteps: Int
    public let totalSteps: Int

    /// - Precondition: `peak >= 0` and `0 <= warmupSteps <= totalSteps`.
    public init(peak: Float, warmupSteps: Int, totalSteps: Int) {
        precondition(peak >= 0 && warmupSteps >= 0 && warmupSteps <= totalSteps,
                     "WarmupLinearDecaySchedule: need peak ≥ 0 and 0 ≤ warmupSteps ≤ totalSteps, "
                        + "got \(peak), \(warmupSteps), \(totalSteps)")
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
    }

    public func learningRate(at step: Int) -> Float {
        if let fraction = warmupFraction(step, warmupSteps) { return Float(Double(peak) * fraction) }
        let remaining = Double(totalSteps - step) / Double(max(1, totalSteps - warmupSteps))
        return Float(Double(peak) * max(0, remaining))
    }
}

/// Linear warmup to `peak`, then half a cosine down to `minimum` at `totalSteps` (transformers'
/// `get_cosine_with_min_lr_schedule_with_warmup` with `num_cycles = 0.5` and
/// `min_lr = minimum`; with `minimum = 0` it is `get_cosine_schedule_with_warmup`):
///
///     lr(s) = peak · s / max(1, W)                                  for s < W
///     lr(s) = minimum + (peak − minimum) · ½ · (1 + cos(π · p))     for s ≥ W,
///     p = min(1, (s − W) / max(1, T − W))
///
/// The clamp of p at 1 is ours: transformers lets the cosine rise again after `totalSteps`; here
/// the rate stays at `minimum`.
public struct WarmupCosineSchedule: LearningRateSchedule, Equatable {
    public let peak: Float
    public let warmupSteps: Int
    public let totalSteps: Int
    public let minimum: Float

    /// - Precondition: `0 <= minimum <= peak` and `0 <= warmupSteps <= totalSteps`.
    public init(peak: Float, warmupSteps: Int, totalSteps: Int, minimum: Float = 0) {
        precondition(minimum >= 0 && minimum <= peak && warmupSteps >= 0 && warmupSteps <= totalSteps,
                     "WarmupCosineSchedule: need 0 ≤ minimum ≤ peak and 0 ≤ warmupSteps ≤ totalSteps, "
                        + "got minimum \(minimum), peak \(peak), \(warmupSteps), \(totalSteps)")
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
        self.minimum = minimum
    }

    public func learningRate(at step: Int) -> Float {
        if let fraction = warmupFraction(step, warmupSteps) { return Float(Double(peak) * fraction) }
        let progress = min(1, Double(step - warmupSteps) / Double(max(1, totalSteps - warmupSteps)))
        let cosine = 0.5 * (1 + Foundation.cos(Double.pi * progress))
        return Float(Double(minimum) + Double(peak - minimum) * cosine)
    }
}

/// s / max(1, W) while s < W (the warmup), nil after it.
private func warmupFraction(_ step: Int, _ warmupSteps: Int) -> Double? {
    step < warmupSteps ? Double(step) / Double(max(1, warmupSteps)) : nil
}

extension LearningRateSchedule where Self == ConstantSchedule {
    /// The same learning rate at every step.
    public static func constant(_ value: Float) -> ConstantSchedule { ConstantSchedule(value) }
}

extension LearningRateSchedule where Self == WarmupConstantSchedule {
    /// Linear warmup over `warmupSteps`, then `peak`.
    public static func warmupConstant(peak: Float, warmupSteps: Int) -> WarmupConstantSchedule {
        WarmupConstantSchedule(peak: peak, warmupSteps: warmupSteps)
    }
}

extension LearningRateSchedule where Self == WarmupLinearDecaySchedule {
    /// Linear warmup over `warmupSteps`, then linear decay to 0 at `totalSteps`.
    public static func warmupLinearDecay(peak: Float, warmupSteps: Int, totalSteps: Int) -> WarmupLinearDecaySchedule {
        WarmupLinearDecaySchedule(peak: peak, warmupSteps: warmupSteps, totalSteps: totalSteps)
    }
}

extension LearningRateSchedule where Self == WarmupCosineSchedule {
    /// Linear warmup over `warmupSteps`, then cosine decay to `minimum` at `totalSteps`.
    public static func warmupCosine(
        peak: Float, warmupSteps: Int, totalSteps: Int, minimum: Float = 0
    ) -> WarmupCosineSchedule {
        WarmupCosineSchedule(peak: peak, warmupSteps: warmupSteps, totalSteps: totalSteps, minimum: minimum)
    }
}
