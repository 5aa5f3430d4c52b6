import Tensors

/// An exponential moving average of the parameters (diffusers' `EMAModel` in
/// `src/diffusers/training_utils.py`, with its defaults: no `update_after_step`, no power warmup):
/// after the n-th optimiser update (n = 1, 2, …),
///
///     d_n = 0                                   n = 1 (the average starts as the parameters)
///     d_n = min(decay, (1 + t)/(10 + t)),  t = n − 1
///     ē ← ē − (1 − d_n)·(ē − θ)
///
/// so short runs are not dominated by the initial weights. Kept beside the parameters by the
/// ``Trainer`` when ``TrainingConfiguration/emaDecay`` is set, saved and restored with checkpoints.
struct ParameterAverage {
    let decay: Float
    private(set) var values: [Tensor]

    /// An average that starts at `values` (copied).
    init(decay: Float, values: [Tensor]) {
        self.decay = decay
        self.values = values.map { Tensor(shape: $0.shape, scalars: $0.scalars) }
    }

    /// d_n for update `update` (1-based).
    static func decay(_ decay: Float, update: Int) -> Float {
        let t = update - 1
        return t <= 0 ? 0 : Swift.min(decay, Float(1 + t) / Float(10 + t))
    }

    /// Moves the average towards `parameters` after optimiser update `update` (1-based).
    mutating func update(with parameters: [Tensor], update: Int) {
        let rate = 1 - Self.decay(decay, update: update)
        values = zip(values, parameters).map { average, parameter in average - (average - parameter) * rate }
    }
}
