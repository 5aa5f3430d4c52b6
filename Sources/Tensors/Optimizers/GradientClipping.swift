/// Rescales `gradients` so that their joint L2 norm is at most `maxNorm`, as
/// `torch.nn.utils.clip_grad_norm_` (norm type 2) does, and returns the norm **before** clipping.
///
///     N = √(Σᵢ ‖gᵢ‖²)            over every element of every gradient
///     s = maxNorm / (N + 1e-6)
///     gᵢ ← s·gᵢ                  only when s < 1
///
/// The 1e-6 keeps the scale finite for N = 0 and leaves the clipped norm a hair below `maxNorm`.
/// The sum of squares is accumulated in Double (eight partial sums), so the norm does not overflow
/// or lose small gradients for large tensors. When N is NaN or infinite the gradients are left
/// untouched (PyTorch would multiply them by NaN or 0); the returned N lets the caller skip the step.
///
/// - Parameters:
///   - gradients: the gradients to rescale in place.
///   - maxNorm: the largest allowed joint norm.
/// - Returns: N, the joint norm before clipping.
/// - Precondition: `maxNorm >= 0`.
/// - Complexity: two passes over the elements (one when no clipping is needed).
@discardableResult
public func clipGradientNorm(_ gradients: inout [Tensor], maxNorm: Float) -> Float {
    precondition(maxNorm >= 0, "clipGradientNorm: maxNorm \(maxNorm) is negative")
    let norm = gradients.reduce(0.0) { $0 + $1.withUnsafeBufferPointer(sumOfSquares) }.squareRoot()
    let scale = Double(maxNorm) / (norm + 1e-6)
    if norm.isFinite && scale < 1 {
        let factor = Float(scale)
        for index in gradients.indices {
            gradients[index].withUnsafeMutableBufferPointer { g in
                for j in 0..<g.count { g[j] *= factor }
            }
        }
    }
    return Float(norm)
}

/// Σ xᵢ² in Double over eight interleaved partial sums: one running sum is a chain of dependent
/// additions, eight independent ones let the additions overlap (and vectorise).
private func sumOfSquares(_ values: UnsafeBufferPointer<Float>) -> Double {
    var partial = SIMD8<Double>()
    let blocked = values.count / 8 * 8
    var j = 0
    while j < blocked {
        for lane in 0..<8 {
            let x = Double(values[j + lane])
            partial[lane] += x * x
        }
        j += 8
    }
    var total = partial.sum()
    while j < values.count {
        total += Double(values[j]) * Double(values[j])
        j += 1
    }
    return total
}
