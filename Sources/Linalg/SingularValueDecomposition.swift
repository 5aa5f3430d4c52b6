/// The singular value decomposition A = U·diag(S)·Vᵀ of an m×n matrix; k = min(m, n).
public struct SingularValueDecomposition<Scalar: LinalgScalar>: Sendable, Equatable {
    /// U with orthonormal columns: m×k (thin) or m×m (full).
    public let u: Matrix<Scalar>
    /// The k singular values σ₁ ≥ σ₂ ≥ … ≥ σₖ ≥ 0, descending.
    public let singularValues: [Scalar]
    /// Vᵀ with orthonormal rows: k×n (thin) or n×n (full).
    public let vt: Matrix<Scalar>
}

/// The singular value decomposition of a real matrix (LAPACK `?gesdd`, divide and conquer).
///
/// The thin form keeps the k = min(m, n) singular vectors that reconstruct A exactly:
/// A = U[:, :k]·diag(S)·Vᵀ[:k, :]. The full form completes U and V to orthonormal bases.
///
/// - Parameters:
///   - a: m×n.
///   - full: `false` (default) for U m×k and Vᵀ k×n; `true` for U m×m and Vᵀ n×n.
/// - Returns: U, the descending singular values, Vᵀ. Singular-vector signs are LAPACK's choice.
/// - Throws: ``LinalgError/nonFiniteInput(operation:argument:row:column:)`` for NaN/infinity in A,
///   ``LinalgError/didNotConverge(operation:routine:info:)`` when the bidiagonal iteration fails.
/// - Complexity: O(m·n·k) flops.
public func svd<Scalar: LinalgScalar>(
    _ a: Matrix<Scalar>, full: Bool = false
) throws(LinalgError) -> SingularValueDecomposition<Scalar> {
    let operation = "svd"
    try a.requireFinite(operation, "A")
    let (m, n, lda) = try a.lapackExtents(operation)
    let k = min(a.rows, a.columns)
    let uColumns = full ? a.rows : k
    let vtRows = full ? a.columns : k
    guard k > 0 else {
        // No singular values; the full bases of ℝᵐ and ℝⁿ are the identities.
        return SingularValueDecomposition(
            u: full ? .identity(a.rows) : .zeros(rows: a.rows, columns: 0), singularValues: [],
            vt: full ? .identity(a.columns) : .zeros(rows: 0, columns: a.columns))
    }
    var work = a
    var values = [Scalar](repeating: 0, count: k)
    var u = Matrix<Scalar>.zeros(rows: a.rows, columns: uColumns)
    var vt = Matrix<Scalar>.zeros(rows: vtRows, columns: a.columns)
    let info = work.withMutableBase { aPointer in
        u.withMutableBase { uPointer in
            vt.withMutableBase { vtPointer in
                Scalar._gesdd(
                    jobz: full ? LapackOption.full : LapackOption.thin, m: m, n: n, a: aPointer, lda: lda,
                    s: &values, u: uPointer, ldu: Int32(uColumns), vt: vtPointer, ldvt: n)
            }
        }
    }
    try requireAcceptedArguments(info, operation, routine: "gesdd")
    if info > 0 { throw .didNotConverge(operation: operation, routine: "gesdd", info: Int(info)) }
    return SingularValueDecomposition(u: u, singularValues: values, vt: vt)
}
