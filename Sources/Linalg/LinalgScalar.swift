import CLAPACKE
import COpenBLAS

/// A floating-point type that LAPACK and CBLAS can work in: `Float` (the `s` routines) and
/// `Double` (the `d` routines).
///
/// The underscored requirements are the binding to LAPACKE/CBLAS and are not API: call the
/// ``Matrix`` operations (``cholesky(_:triangle:)``, ``solve(_:_:)``, …) instead. Every binding
/// uses `LAPACK_ROW_MAJOR` (row-major storage, leading dimension = number of columns) and returns
/// LAPACK's `info` (0: success, < 0: bad argument, > 0: routine-specific failure).
public protocol LinalgScalar: BinaryFloatingPoint, Sendable, CustomStringConvertible {
    /// `?potrf`: Cholesky factorisation of the `uplo` triangle of an n×n matrix, in place.
    static func _potrf(uplo: CChar, n: Int32, a: UnsafeMutablePointer<Self>, lda: Int32) -> Int32
    /// `?potrs`: solves A X = B from a Cholesky factor; X overwrites the n×nrhs matrix B.
    static func _potrs(
        uplo: CChar, n: Int32, nrhs: Int32, a: UnsafePointer<Self>, lda: Int32,
        b: UnsafeMutablePointer<Self>, ldb: Int32) -> Int32
    /// `?gesv`: LU with partial pivoting of A, then A X = B; X overwrites B.
    static func _gesv(
        n: Int32, nrhs: Int32, a: UnsafeMutablePointer<Self>, lda: Int32,
        pivots: UnsafeMutablePointer<Int32>, b: UnsafeMutablePointer<Self>, ldb: Int32) -> Int32
    /// `?getrf`: LU factorisation with partial pivoting, in place.
    static func _getrf(
        m: Int32, n: Int32, a: UnsafeMutablePointer<Self>, lda: Int32,
        pivots: UnsafeMutablePointer<Int32>) -> Int32
    /// `?getri`: the inverse from a `getrf` factorisation, in place.
    static func _getri(
        n: Int32, a: UnsafeMutablePointer<Self>, lda: Int32, pivots: UnsafePointer<Int32>) -> Int32
    /// `?syevd`: eigenvalues (ascending, into `w`) and, for `jobz = "V"`, orthonormal eigenvectors
    /// (as columns, overwriting A) of a symmetric matrix, by divide and conquer.
    static func _syevd(
        jobz: CChar, uplo: CChar, n: Int32, a: UnsafeMutablePointer<Self>, lda: Int32,
        w: UnsafeMutablePointer<Self>) -> Int32
    /// `?gesdd`: singular value decomposition by divide and conquer (`jobz` "S": thin, "A": full).
    static func _gesdd(
        jobz: CChar, m: Int32, n: Int32, a: UnsafeMutablePointer<Self>, lda: Int32,
        s: UnsafeMutablePointer<Self>, u: UnsafeMutablePointer<Self>, ldu: Int32,
        vt: UnsafeMutablePointer<Self>, ldvt: Int32) -> Int32
    /// `cblas_?gemm`: C ← op(A)·op(B) for row-major matrices (α = 1, β = 0).
    static func _gemm(
        transposeA: Bool, transposeB: Bool, m: Int32, n: Int32, k: Int32,
        a: UnsafePointer<Self>, lda: Int32, b: UnsafePointer<Self>, ldb: Int32,
        c: UnsafeMutablePointer<Self>, ldc: Int32)
}

/// `CblasTrans` when `transposed`, else `CblasNoTrans`.
func cblasTranspose(_ transposed: Bool) -> CBLAS_TRANSPOSE { transposed ? CblasTrans : CblasNoTrans }

extension Float: LinalgScalar {
    public static func _potrf(uplo: CChar, n: Int32, a: UnsafeMutablePointer<Float>, lda: Int32) -> Int32 {
        LAPACKE_spotrf(LAPACK_ROW_MAJOR, uplo, n, a, lda)
    }

    public static func _potrs(
        uplo: CChar, n: Int32, nrhs: Int32, a: UnsafePointer<Float>, lda: Int32,
        b: UnsafeMutablePointer<Float>, ldb: Int32
    ) -> Int32 {
        LAPACKE_spotrs(LAPACK_ROW_MAJOR, uplo, n, nrhs, a, lda, b, ldb)
    }

    public static func _gesv(
        n: Int32, nrhs: Int32, a: UnsafeMutablePointer<Float>, lda: Int32,
        pivots: UnsafeMutablePointer<Int32>, b: UnsafeMutablePointer<Float>, ldb: Int32
    ) -> Int32 {
        LAPACKE_sgesv(LAPACK_ROW_MAJOR, n, nrhs, a, lda, pivots, b, ldb)
    }

    public static func _getrf(
        m: Int32, n: Int32, a: UnsafeMutablePointer<Float>, lda: Int32, pivots: UnsafeMutablePointer<Int32>
    ) -> Int32 {
        LAPACKE_sgetrf(LAPACK_ROW_MAJOR, m, n, a, lda, pivots)
    }

    public static func _getri(
        n: Int32, a: UnsafeMutablePointer<Float>, lda: Int32, pivots: UnsafePointer<Int32>
    ) -> Int32 {
        LAPACKE_sgetri(LAPACK_ROW_MAJOR, n, a, lda, pivots)
    }

    public static func _syevd(
        jobz: CChar, uplo: CChar, n: Int32, a: UnsafeMutablePointer<Float>, lda: Int32,
        w: UnsafeMutablePointer<Float>
    ) -> Int32 {
        LAPACKE_ssyevd(LAPACK_ROW_MAJOR, jobz, uplo, n, a, lda, w)
    }

    public static func _gesdd(
        jobz: CChar, m: Int32, n: Int32, a: UnsafeMutablePointer<Float>, lda: Int32,
        s: UnsafeMutablePointer<Float>, u: UnsafeMutablePointer<Float>, ldu: Int32,
        vt: UnsafeMutablePointer<Float>, ldvt: Int32
    ) -> Int32 {
        LAPACKE_sgesdd(LAPACK_ROW_MAJOR, jobz, m, n, a, lda, s, u, ldu, vt, ldvt)
    }

    public static func _gemm(
        transposeA: Bool, transposeB: Bool, m: Int32, n: Int32, k: Int32,
        a: UnsafePointer<Float>, lda: Int32, b: UnsafePointer<Float>, ldb: Int32,
        c: UnsafeMutablePointer<Float>, ldc: Int32
    ) {
        cblas_sgemm(
            CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
            m, n, k, 1, a, lda, b, ldb, 0, c, ldc)
    }
}

extension Double: LinalgScalar {
    public static func _potrf(uplo: CChar, n: Int32, a: UnsafeMutablePointer<Double>, lda: Int32) -> Int32 {
        LAPACKE_dpotrf(LAPACK_ROW_MAJOR, uplo, n, a, lda)
    }

    public static func _potrs(
        uplo: CChar, n: Int32, nrhs: Int32, a: UnsafePointer<Double>, lda: Int32,
        b: UnsafeMutablePointer<Double>, ldb: Int32
    ) -> Int32 {
        LAPACKE_dpotrs(LAPACK_ROW_MAJOR, uplo, n, nrhs, a, lda, b, ldb)
    }

    public static func _gesv(
        n: Int32, nrhs: Int32, a: UnsafeMutablePointer<Double>, lda: Int32,
        pivots: UnsafeMutablePointer<Int32>, b: UnsafeMutablePointer<Double>, ldb: Int32
    ) -> Int32 {
        LAPACKE_dgesv(LAPACK_ROW_MAJOR, n, nrhs, a, lda, pivots, b, ldb)
    }

    public static func _getrf(
        m: Int32, n: Int32, a: UnsafeMutablePointer<Double>, lda: Int32, pivots: UnsafeMutablePointer<Int32>
    ) -> Int32 {
        LAPACKE_dgetrf(LAPACK_ROW_MAJOR, m, n, a, lda, pivots)
    }

    public static func _getri(
        n: Int32, a: UnsafeMutablePointer<Double>, lda: Int32, pivots: UnsafePointer<Int32>
    ) -> Int32 {
        LAPACKE_dgetri(LAPACK_ROW_MAJOR, n, a, lda, pivots)
    }

    public static func _syevd(
        jobz: CChar, uplo: CChar, n: Int32, a: UnsafeMutablePointer<Double>, lda: Int32,
        w: UnsafeMutablePointer<Double>
    ) -> Int32 {
        LAPACKE_dsyevd(LAPACK_ROW_MAJOR, jobz, uplo, n, a, lda, w)
    }

    public static func _gesdd(
        jobz: CChar, m: Int32, n: Int32, a: UnsafeMutablePointer<Double>, lda: Int32,
        s: UnsafeMutablePointer<Double>, u: UnsafeMutablePointer<Double>, ldu: Int32,
        vt: UnsafeMutablePointer<Double>, ldvt: Int32
    ) -> Int32 {
        LAPACKE_dgesdd(LAPACK_ROW_MAJOR, jobz, m, n, a, lda, s, u, ldu, vt, ldvt)
    }

    public static func _gemm(
        transposeA: Bool, transposeB: Bool, m: Int32, n: Int32, k: Int32,
        a: UnsafePointer<Double>, lda: Int32, b: UnsafePointer<Double>, ldb: Int32,
        c: UnsafeMutablePointer<Double>, ldc: Int32
    ) {
        cblas_dgemm(
            CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
            m, n, k, 1, a, lda, b, ldb, 0, c, ldc)
    }
}
