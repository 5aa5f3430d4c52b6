/// Solves the general square system A·X = B by LU factorisation with partial pivoting
/// (LAPACK `?gesv`): P·A = L·U, then L·Y = P·B and U·X = Y.
///
/// Use ``choleskySolve(factor:triangle:_:)`` instead when A is symmetric positive definite (half
/// the work, and the factor can be reused).
///
/// - Parameters:
///   - a: n×n.
///   - b: n×k right-hand sides.
/// - Returns: X, n×k.
/// - Throws: ``LinalgError/notSquare(operation:argument:shape:)``,
///   ``LinalgError/shapeMismatch(operation:argument:expected:found:)`` when `b` does not have n rows,
///   ``LinalgError/nonFiniteInput(operation:argument:row:column:)`` for NaN/infinity in A or B,
///   ``LinalgError/singular(operation:pivot:)`` when a pivot U(i, i) is exactly zero,
///   ``LinalgError/nonFiniteResult(operation:)`` when X overflows (A numerically singular).
/// - Complexity: 2n³/3 + 2n²·k multiply-adds.
public func solve<Scalar: LinalgScalar>(
    _ a: Matrix<Scalar>, _ b: Matrix<Scalar>
) throws(LinalgError) -> Matrix<Scalar> {
    let operation = "solve"
    try a.requireSquare(operation, "A")
    try b.requireRows(a.rows, operation, "B", context: "A is \(a.rows)×\(a.columns)")
    try a.requireFinite(operation, "A")
    try b.requireFinite(operation, "B")
    let (n, _, lda) = try a.lapackExtents(operation)
    let (_, k, ldb) = try b.lapackExtents(operation)
    guard n > 0, k > 0 else { return b }
    var factors = a
    var solution = b
    var pivots = [Int32](repeating: 0, count: Int(n))
    let info = factors.withMutableBase { lu in
        solution.withMutableBase { x in
            Scalar._gesv(n: n, nrhs: k, a: lu, lda: lda, pivots: &pivots, b: x, ldb: ldb)
        }
    }
    try requireAcceptedArguments(info, operation, routine: "gesv")
    if info > 0 { throw .singular(operation: operation, pivot: Int(info)) }
    guard solution.firstNonFiniteIndex == nil else { throw .nonFiniteResult(operation: operation) }
    return solution
}

/// The inverse A⁻¹ of a square matrix, from its LU factorisation (LAPACK `?getrf` then `?getri`).
///
/// Prefer ``solve(_:_:)`` to forming A⁻¹·B: it is faster and more accurate.
///
/// - Parameter a: n×n.
/// - Returns: A⁻¹, n×n, with A·A⁻¹ = I up to rounding of order κ(A)·n·ε.
/// - Throws: ``LinalgError/notSquare(operation:argument:shape:)``,
///   ``LinalgError/nonFiniteInput(operation:argument:row:column:)`` for NaN/infinity in A,
///   ``LinalgError/singular(operation:pivot:)`` when a pivot U(i, i) is exactly zero,
///   ``LinalgError/nonFiniteResult(operation:)`` when the inverse overflows.
/// - Complexity: 2n³ multiply-adds (in total).
public func inverse<Scalar: LinalgScalar>(_ a: Matrix<Scalar>) throws(LinalgError) -> Matrix<Scalar> {
    let operation = "inverse"
    try a.requireSquare(operation, "A")
    try a.requireFinite(operation, "A")
    let (n, _, lda) = try a.lapackExtents(operation)
    guard n > 0 else { return a }
    var result = a
    var pivots = [Int32](repeating: 0, count: Int(n))
    let factorInfo = result.withMutableBase { Scalar._getrf(m: n, n: n, a: $0, lda: lda, pivots: &pivots) }
    try requireAcceptedArguments(factorInfo, operation, routine: "getrf")
    if factorInfo > 0 { throw .singular(operation: operation, pivot: Int(factorInfo)) }
    let inverseInfo = result.withMutableBase { Scalar._getri(n: n, a: $0, lda: lda, pivots: pivots) }
    // getri's info > 0 means U(i, i) = 0, which getrf has already reported.
    try requireAcceptedArguments(inverseInfo, operation, routine: "getri")
    guard result.firstNonFiniteIndex == nil else { throw .nonFiniteResult(operation: operation) }
    return result
}
