import Linalg
import Tensors

extension UltraEditEditor {
    /// V' = (K Kᵀ + I)⁻¹ V for keys K `[n, d_in]` and values V `[n, d_out]`: `[n, d_out]`, so that
    /// Kᵀ V' = Kᵀ (K Kᵀ + I)⁻¹ V = (KᵀK + I)⁻¹ KᵀV is UltraEdit's ridge solution Δ (λ = 1), by the
    /// push-through identity Kᵀ (K Kᵀ + I) = (KᵀK + I) Kᵀ.
    ///
    /// Solved in Float64 by Cholesky (K Kᵀ + I is symmetric with eigenvalues ≥ 1).
    ///
    /// - Throws: ``Linalg/LinalgError`` when K or V holds a non-finite number.
    /// - Complexity: n² d_in + n² d_out + n³/3 flops, against d_in² n + d_in³/3 for the direct form.
    static func ridgeCoefficients(keys: Tensor, values: Tensor) throws -> Tensor {
        let k = Matrix<Double>(try Matrix<Float>(keys)), v = Matrix<Double>(try Matrix<Float>(values))
        var system = try matmul(k, k, transposeB: true)
        for i in 0..<system.rows { system[i, i] += 1 }
        return Tensor(Matrix<Float>(try choleskySolve(factor: try cholesky(system), v)))
    }
}
