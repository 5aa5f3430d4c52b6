import Foundation

/// The state and update shared by ``Adam`` and ``AdamW``: first and second moment estimates per
/// parameter, and the step counter that drives bias correction.
///
/// One update with learning rate η, L2 coefficient λ₂ (Adam) and decoupled coefficient λ_d (AdamW),
/// following `torch.optim.adam._single_tensor_adam` / `adamw`, for step t = stepCount + 1:
///
///     p ← p·(1 − η·λ_d)                          (AdamW's decoupled decay, before the Adam step)
///     d  = g + λ₂·p                              (Adam's L2 penalty, added to the gradient)
///     m ← m + (1 − β₁)·(d − m)                   (= β₁·m + (1 − β₁)·d, PyTorch's lerp)
///     v ← β₂·v + (1 − β₂)·d²
///     p ← p − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// ε is added outside the square root, after the second-moment bias correction, as in PyTorch. The
/// per-step scalars (bias corrections, step size) are computed in Double and rounded once to Float;
/// the element-wise update runs in Float32 with PyTorch's order of operations (its `lerp` takes the
/// form above for β₁ > 0.5, and differs from it by rounding otherwise).
struct AdamMoments: Sendable {
    let beta1: Float
    let beta2: Float
    let epsilon: Float
    private(set) var stepCount = 0
    private var firstMoments = ParameterBuffers()
    private var secondMoments = ParameterBuffers()

    /// - Precondition: 0 ≤ β₁, β₂ < 1 and ε ≥ 0 (the ranges `torch.optim.Adam` accepts).
    init(beta1: Float, beta2: Float, epsilon: Float, optimizer: String) {
        precondition((0..<1).contains(beta1) && (0..<1).contains(beta2) && epsilon >= 0,
                     "\(optimizer): need 0 ≤ beta1, beta2 < 1 and epsilon ≥ 0, got \(beta1), \(beta2), \(epsilon)")
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// The step count and moment buffers, for checkpoints.
    var state: AdamState {
        AdamState(stepCount: stepCount, firstMoments: firstMoments.buffers, secondMoments: secondMoments.buffers)
    }

    /// Replaces the step count and moment buffers with a saved ``state``.
    mutating func restore(_ state: AdamState) {
        stepCount = state.stepCount
        firstMoments = ParameterBuffers(buffers: state.firstMoments)
        secondMoments = ParameterBuffers(buffers: state.secondMoments)
    }

    /// Applies one update to every parameter (see the type's formula) and increments `stepCount`.
    /// - Complexity: O(total parameter count); no allocation after the first step.
    mutating func update(
        _ optimizer: String, parameters: inout [Tensor], gradients: [Tensor], learningRate: Float,
        l2Decay: Float, decoupledDecay: Float
    ) {
        checkOptimizerArguments(optimizer, parameters: parameters, gradients: gradients, state: firstMoments)
        firstMoments.createIfNeeded(sizedLike: parameters)
        secondMoments.createIfNeeded(sizedLike: parameters)
        let t = Double(stepCount + 1)
        let biasCorrection1 = 1 - Foundation.pow(Double(beta1), t)
        let biasCorrection2Root = (1 - Foundation.pow(Double(beta2), t)).squareRoot()
        let stepSize = Float(Double(learningRate) / biasCorrection1)
        let correction2Root = Float(biasCorrection2Root)
        let keep = Float(1 - Double(learningRate) * Double(decoupledDecay))
        let (b2, eps, l2) = (beta2, epsilon, l2Decay)
        let (share1, share2) = (1 - beta1, 1 - beta2)

        for index in parameters.indices {
            gradients[index].withUnsafeBufferPointer { g in
                parameters[index].withUnsafeMutableBufferPointer { p in
                    firstMoments.withBuffer(index) { m in
                        secondMoments.withBuffer(index) { v in
                            for j in 0..<p.count {
                                let decayed = p[j] * keep
                                let d = g[j] + l2 * decayed
                                let mj = m[j] + share1 * (d - m[j])
                                let vj = b2 * v[j] + share2 * (d * d)
                                m[j] = mj
                                v[j] = vj
                                // v ≥ 0, so |v| = v; the magnitude lets LLVM drop sqrtf's errno path for
                                // negative input, which otherwise blocks vectorisation on Linux.
                                let root = vj.magnitude.squareRoot()
                                p[j] = decayed - stepSize * (mj / (root / correction2Root + eps))
                            }
                        }
                    }
                }
            }
        }
        stepCount += 1
    }
}
