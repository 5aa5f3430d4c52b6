/// Which triangle of a symmetric matrix or triangular factor is meant.
public enum Triangle: Sendable, Equatable {
    /// On and below the diagonal: the factor is L with A = L·Lᵀ.
    case lower
    /// On and above the diagonal: the factor is U with A = Uᵀ·U.
    case upper

    var lapackCode: CChar { self == .lower ? LapackOption.lower : LapackOption.upper }
}

/// The Cholesky factor of a symmetric positive definite matrix (LAPACK `?potrf`).
///
/// For `.lower`, returns the lower-triangular L with positive diagonal such that A = L·Lᵀ; for
/// `.upper`, the upper-triangular U = Lᵀ with A = Uᵀ·U. Only the chosen triangle of `a` is read
/// (its other triangle is assumed to mirror it); the other triangle of the result is zero.
///
/// - Parameters:
///   - a: an n×n symmetric positive definite matrix.
///   - triangle: which factor to return (and which triangle of `a` to read).
/// - Returns: the n×n triangular factor.
/// - Throws: ``LinalgError/notSquare(operation:argument:shape:)``,
///   ``LinalgError/nonFiniteInput(operation:argument:row:column:)`` for NaN/infinity in `a`,
///   ``LinalgError/notPositiveDefinite(operation:order:)`` with the order of the first leading
///   minor that is not positive.
/// - Complexity: n³/3 multiply-adds.
public func cholesky<Scalar: LinalgScalar>(
    _ a: Matrix<Scalar>, triangle: Triangle = .lower
) throws(LinalgError) -> Matrix<Scalar> {
    let operation = "cholesky"
    try a.requireSquare(operation, "A")
    try a.requireFinite(operation, "A")
    let (n, _, lda) = try a.lapackExtents(operation)
    guard n > 0 else { return a }
    var factor = a
    let info = factor.withMutableBase { Scalar._potrf(uplo: triangle.lapackCode, n: n, a: $0, lda: lda) }
    try requireAcceptedArguments(info, operation, routine: "potrf")
    if info > 0 { throw .notPositiveDefinite(operation: operation, order: Int(info)) }
    for i in 0..<a.rows {
        let otherTriangle = triangle == .lower ? (i + 1)..<a.columns : 0..<i
        for j in otherTriangle { factor[i, j] = 0 }
    }
    return factor
}

/// Solves A·X = B given the Cholesky factor of A (LAPACK `?potrs`): two triangular solves,
/// L·Y = B then Lᵀ·X = Y (or Uᵀ·Y = B then U·X = Y).
///
/// - Parameters:
///   - factor: the n×n factor returned by ``cholesky(_:triangle:)``; only its `triangle` is read.
///   - triangle: which factor `factor` is.
///   - b: the n×k right-hand sides.
/// - Returns: X, n×k.
/// - Throws: ``LinalgError/notSquare(operation:argument:shape:)`` for a non-square factor,
///   ``LinalgError/shapeMismatch(operation:argument:expected:found:)`` when `b` does not have n rows,
///   ``LinalgError/nonFiniteInput(operation:argument:row:column:)`` for NaN/infinity in either,
///   ``LinalgError/singular(operation:pivot:)`` when a diagonal entry of the factor is not positive
///   (no Cholesky factor has one), ``LinalgError/nonFiniteResult(operation:)`` on overflow.
/// - Complexity: 2·n²·k multiply-adds.
public func choleskySolve<Scalar: LinalgScalar>(
    factor: Matrix<Scalar>, triangle: Triangle = .lower, _ b: Matrix<Scalar>
) throws(LinalgError) -> Matrix<Scalar> {
    let operation = "choleskySolve"
    try factor.requireSquare(operation, "factor")
    try b.requireRows(factor.rows, operation, "B", context: "factor is \(factor.rows)×\(factor.columns)")
    try factor.requireFinite(operation, "factor")
    try b.requireFinite(operation, "B")
    if let pivot = (0..<factor.rows).first(where: { !(factor[$0, $0] > 0) }) {
        throw .singular(operation: operation, pivot: pivot + 1)
    }
    let (n, _, lda) = try factor.lapackExtents(operation)
    let (_, k, ldb) = try b.lapackExtents(operation)
    guard n > 0, k > 0 else { return b }
    var solution = b
    let info = factor.withBase { a in
        solution.withMutableBase { x in
            Scalar._potrs(uplo: triangle.lapackCode, n: n, nrhs: k, a: a, lda: lda, b: x, ldb: ldb)
        }
    }
    try requireAcceptedArguments(info, operation, routine: "potrs")
    guard solution.firstNonFiniteIndex == nil else { throw .nonFiniteResult(operation: operation) }
    return solution
}
