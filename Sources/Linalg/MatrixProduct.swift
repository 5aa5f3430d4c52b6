/// The matrix product C = op(A)·op(B), op(X) = X or Xᵀ (CBLAS `?gemm`).
///
/// NaN and infinity propagate as IEEE arithmetic says; they are not rejected here.
///
/// - Parameters:
///   - a: A; op(A) is m×k.
///   - b: B; op(B) must be k×n.
///   - transposeA: use Aᵀ in place of A.
///   - transposeB: use Bᵀ in place of B.
/// - Returns: C, m×n (zeros when k = 0).
/// - Throws: ``LinalgError/shapeMismatch(operation:argument:expected:found:)`` when the inner
///   extents differ, ``LinalgError/dimensionTooLarge(operation:shape:)`` beyond 32-bit extents.
/// - Complexity: 2·m·n·k flops.
public func matmul<Scalar: LinalgScalar>(
    _ a: Matrix<Scalar>, _ b: Matrix<Scalar>, transposeA: Bool = false, transposeB: Bool = false
) throws(LinalgError) -> Matrix<Scalar> {
    let operation = "matmul"
    let (m, k) = transposeA ? (a.columns, a.rows) : (a.rows, a.columns)
    let (bInner, n) = transposeB ? (b.columns, b.rows) : (b.rows, b.columns)
    guard bInner == k else {
        throw .shapeMismatch(
            operation: operation, argument: transposeB ? "Bᵀ" : "B",
            expected: "\(k) rows (\(transposeA ? "Aᵀ" : "A") is \(m)×\(k))",
            found: [bInner, n])
    }
    var product = Matrix<Scalar>.zeros(rows: m, columns: n)
    let (_, _, lda) = try a.lapackExtents(operation)
    let (_, _, ldb) = try b.lapackExtents(operation)
    let (m32, n32, ldc) = try product.lapackExtents(operation)
    guard m > 0, n > 0, k > 0 else { return product }
    a.withBase { aPointer in
        b.withBase { bPointer in
            product.withMutableBase { cPointer in
                Scalar._gemm(
                    transposeA: transposeA, transposeB: transposeB, m: m32, n: n32, k: Int32(k),
                    a: aPointer, lda: lda, b: bPointer, ldb: ldb, c: cPointer, ldc: ldc)
            }
        }
    }
    return product
}
