import COpenBLAS

/// The one place that talks to CBLAS. Everything else calls these Swift functions, so another
/// backend (Accelerate on macOS) would change only this file.
public enum BLAS {
    /// C ← α·op(A)·op(B) + β·C for row-major Float32 matrices, op(X) = X or Xᵀ.
    ///
    /// `op(A)` is m×k, `op(B)` is k×n, C is m×n; `lda`, `ldb`, `ldc` are row strides of the
    /// stored (untransposed) matrices.
    /// - Complexity: 2·m·n·k floating-point operations.
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            // Empty inner dimension: C ← β·C.
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }

    /// Number of threads OpenBLAS uses for one call.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(newValue)) }
    }

    /// OpenBLAS's build description (version, kernel family, threading).
    public static var configuration: String { String(cString: openblas_get_config()) }

    /// The CPU kernel family OpenBLAS selected at load time (e.g. "Haswell").
    public static var coreName: String { String(cString: openblas_get_corename()) }
}
