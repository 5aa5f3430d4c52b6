import Linalg
import Tensors

extension AlphaEditEditor {
    /// The right factor of AlphaEdit's update: B = [P (K Kᵀ + C_p) + α I]⁻¹ P K, `[d_ff, n]`, so that
    /// Δᵀ = B Rᵀ (EasyEdit's `torch.linalg.solve(P (K Kᵀ + cache_c) + L2·I, P K Rᵀ)`).
    ///
    /// The d × d system is not symmetric, but for α > 0 its solution lies in the range of P
    /// (α X = P (K Rᵀ − A X) with A = K Kᵀ + C_p), so with P = U₀ U₀ᵀ, X = U₀ Y and
    ///
    ///     B = U₀ (U₀ᵀ A U₀ + α I_m)⁻¹ U₀ᵀ K,
    ///
    /// an m × m symmetric positive definite system (m = the null-space dimension) solved by
    /// Cholesky in Float64 (EasyEdit solves the d × d system by LU in Float32). This is exact
    /// algebra, not an approximation, and it makes B lie in the null space up to the rounding of
    /// U₀ alone, whatever the conditioning of the system.
    ///
    /// - Parameters:
    ///   - keys: K as rows, `[n, d_ff]`.
    ///   - previousKeys: C_p = K_p K_pᵀ, `[d_ff, d_ff]`, or nil before the first edit (C_p = 0).
    ///   - projector: U₀.
    ///   - l2: α (`L2`), > 0 (the hparams reject 0).
    /// - Throws: ``LinalgError`` for non-finite keys or cache.
    /// - Complexity: 2d·m·n + (2d²m + 2dm² with a key cache) + m³/3 + 2m²n + 2dmn flops, Float64.
    static func solve(keys: Tensor, previousKeys: Tensor?, projector: NullSpaceProjector, l2: Double) throws -> Tensor {
        let basis = projector.basis                                                        // U₀: [d, m]
        let m = basis.columns
        let projectedKeys = try matmul(basis, Matrix<Double>(try Matrix<Float>(keys)),
                                       transposeA: true, transposeB: true)                 // U₀ᵀ K: [m, n]
        let keyGram = try matmul(projectedKeys, projectedKeys, transposeB: true)           // [m, m]
        let cacheGram = try previousKeys.map {                                             // U₀ᵀ C_p U₀: [m, m]
            try matmul(basis, try matmul(Matrix<Double>(try Matrix<Float>($0)), basis), transposeA: true)
        }
        let system = Matrix<Double>(rows: m, columns: m) { i, j in
            keyGram[i, j] + (cacheGram?[i, j] ?? 0) + (i == j ? l2 : 0)
        }
        let factor = try cholesky(system)
        let coefficients = try choleskySolve(factor: factor, projectedKeys)               // Y: [m, n]
        return Tensor(Matrix<Float>(try matmul(basis, coefficients)))                     // U₀ Y: [d, n]
    }
}
