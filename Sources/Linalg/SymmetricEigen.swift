/// The eigendecomposition A = V·Λ·Vᵀ of a real symmetric matrix.
public struct SymmetricEigendecomposition<Scalar: LinalgScalar>: Sendable, Equatable {
    /// The eigenvalues λ₁ ≤ λ₂ ≤ … ≤ λₙ, ascending.
    public let eigenvalues: [Scalar]
    /// V, n×n orthonormal (Vᵀ·V = I); column j is the unit eigenvector of `eigenvalues[j]`.
    /// Each column's sign, and the basis within a repeated eigenvalue's eigenspace, is LAPACK's choice.
    public let eigenvectors: Matrix<Scalar>
}

/// Eigenvalues and eigenvectors of a real symmetric matrix (LAPACK `?syevd`, divide and conquer).
///
/// Only the lower triangle of `a` is read, as `numpy.linalg.eigh` does by default: the upper
/// triangle is taken to mirror it. AlphaEdit builds its null-space projector from this
/// decomposition of the key covariance K·Kᵀ (eigenvectors whose eigenvalue is below a threshold).
///
/// - Parameter a: n×n symmetric.
/// - Returns: ascending eigenvalues and the orthonormal eigenvectors as columns, A = V·diag(λ)·Vᵀ.
/// - Throws: ``LinalgError/notSquare(operation:argument:shape:)``,
///   ``LinalgError/nonFiniteInput(operation:argument:row:column:)`` for NaN/infinity in A,
///   ``LinalgError/didNotConverge(operation:routine:info:)`` when the iteration fails.
/// - Complexity: about 9n³ flops with eigenvectors.
public func symmetricEigen<Scalar: LinalgScalar>(
    _ a: Matrix<Scalar>
) throws(LinalgError) -> SymmetricEigendecomposition<Scalar> {
    let operation = "symmetricEigen"
    try a.requireSquare(operation, "A")
    try a.requireFinite(operation, "A")
    let (n, _, lda) = try a.lapackExtents(operation)
    guard n > 0 else { return SymmetricEigendecomposition(eigenvalues: [], eigenvectors: a) }
    var vectors = a
    var values = [Scalar](repeating: 0, count: Int(n))
    let info = vectors.withMutableBase { v in
        Scalar._syevd(jobz: LapackOption.vectors, uplo: LapackOption.lower, n: n, a: v, lda: lda, w: &values)
    }
    try requireAcceptedArguments(info, operation, routine: "syevd")
    if info > 0 { throw .didNotConverge(operation: operation, routine: "syevd", info: Int(info)) }
    return SymmetricEigendecomposition(eigenvalues: values, eigenvectors: vectors)
}
