import Linalg
import Testing

/// Every validation path: bad input is reported as a typed error naming the operation, never a crash.
@Suite("Linalg errors")
struct LinalgErrorTests {
    static let rectangular = Matrix<Double>.zeros(rows: 2, columns: 3)

    @Test("non-square arguments are rejected by every square-only operation")
    func nonSquare() throws {
        let shape = [2, 3]
        #expect(throws: LinalgError.notSquare(operation: "cholesky", argument: "A", shape: shape)) {
            try cholesky(Self.rectangular)
        }
        #expect(throws: LinalgError.notSquare(operation: "solve", argument: "A", shape: shape)) {
            try solve(Self.rectangular, .zeros(rows: 2, columns: 1))
        }
        #expect(throws: LinalgError.notSquare(operation: "inverse", argument: "A", shape: shape)) {
            try inverse(Self.rectangular)
        }
        #expect(throws: LinalgError.notSquare(operation: "symmetricEigen", argument: "A", shape: shape)) {
            try symmetricEigen(Self.rectangular)
        }
        #expect(throws: LinalgError.notSquare(operation: "choleskySolve", argument: "factor", shape: shape)) {
            try choleskySolve(factor: Self.rectangular, .zeros(rows: 2, columns: 1))
        }
    }

    @Test("right-hand sides and product operands with the wrong extent are rejected")
    func shapeMismatch() throws {
        let a = Matrix<Double>.identity(3)
        let b = Matrix<Double>.zeros(rows: 2, columns: 4)
        #expect(throws: LinalgError.shapeMismatch(
            operation: "solve", argument: "B", expected: "3 rows (A is 3×3)", found: [2, 4])) {
            try solve(a, b)
        }
        #expect(throws: LinalgError.shapeMismatch(
            operation: "choleskySolve", argument: "B", expected: "3 rows (factor is 3×3)", found: [2, 4])) {
            try choleskySolve(factor: a, b)
        }
        #expect(throws: LinalgError.shapeMismatch(
            operation: "matmul", argument: "B", expected: "3 rows (A is 3×3)", found: [2, 4])) {
            try matmul(a, b)
        }
        #expect(throws: LinalgError.shapeMismatch(
            operation: "matmul", argument: "Bᵀ", expected: "2 rows (Aᵀ is 4×2)", found: [4, 2])) {
            try matmul(b, b, transposeA: true, transposeB: true)
        }
    }

    @Test("NaN and infinity are caught before LAPACK runs", arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteInput(bad: Double) throws {
        var a = try TestMatrices.symmetricPositiveDefinite(3, seed: 1) as Matrix<Double>
        a[2, 1] = bad
        let good = Matrix<Double>.identity(3)
        let atRow2Column1 = { (operation: String, argument: String) in
            LinalgError.nonFiniteInput(operation: operation, argument: argument, row: 2, column: 1)
        }
        #expect(throws: atRow2Column1("cholesky", "A")) { try cholesky(a) }
        #expect(throws: atRow2Column1("solve", "A")) { try solve(a, good) }
        #expect(throws: atRow2Column1("solve", "B")) { try solve(good, a) }
        #expect(throws: atRow2Column1("choleskySolve", "factor")) { try choleskySolve(factor: a, good) }
        #expect(throws: atRow2Column1("choleskySolve", "B")) { try choleskySolve(factor: good, a) }
        #expect(throws: atRow2Column1("inverse", "A")) { try inverse(a) }
        #expect(throws: atRow2Column1("symmetricEigen", "A")) { try symmetricEigen(a) }
        #expect(throws: atRow2Column1("svd", "A")) { try svd(Matrix<Float>(a)) }
    }

    @Test("a symmetric matrix that is not positive definite names its first bad leading minor")
    func notPositiveDefinite() throws {
        // Leading minors: 1, 1·1 − 2·2 = −3 < 0.
        let indefinite = try Matrix<Float>(rows: 3, columns: 3, scalars: [1, 2, 0, 2, 1, 0, 0, 0, 1])
        #expect(throws: LinalgError.notPositiveDefinite(operation: "cholesky", order: 2)) {
            try cholesky(indefinite)
        }
        let negativeFirst = try Matrix<Double>(rows: 2, columns: 2, scalars: [-1, 0, 0, 1])
        #expect(throws: LinalgError.notPositiveDefinite(operation: "cholesky", order: 1)) {
            try cholesky(negativeFirst, triangle: .upper)
        }
    }

    @Test("singular matrices are reported with their zero pivot")
    func singular() throws {
        // Row 2 duplicates row 0: elimination leaves an exact zero in the last pivot.
        let duplicatedRow = try Matrix<Double>(rows: 3, columns: 3, scalars: [1, 2, 3, 4, 5, 6, 1, 2, 3])
        #expect(throws: LinalgError.singular(operation: "solve", pivot: 3)) {
            try solve(duplicatedRow, .identity(3))
        }
        #expect(throws: LinalgError.singular(operation: "inverse", pivot: 3)) { try inverse(duplicatedRow) }
        #expect(throws: LinalgError.singular(operation: "inverse", pivot: 1)) {
            try inverse(Matrix<Float>.zeros(rows: 2, columns: 2))
        }
        // A "factor" with a zero on its diagonal cannot come from cholesky.
        let badFactor = try Matrix<Double>(rows: 2, columns: 2, scalars: [1, 0, 5, 0])
        #expect(throws: LinalgError.singular(operation: "choleskySolve", pivot: 2)) {
            try choleskySolve(factor: badFactor, .identity(2))
        }
    }

    @Test("an overflowing solution is reported, not returned")
    func overflow() throws {
        // The pivots 1e-300 are not zero, but x₀ = 1e300 / 1e-300 overflows Float64 (and 1 / 2⁻¹⁴⁹
        // overflows Float32).
        let tiny = try Matrix<Double>(rows: 2, columns: 2, scalars: [1e-300, 0, 0, 1e-300])
        let large = try Matrix<Double>(rows: 2, columns: 1, scalars: [1e300, 1])
        #expect(throws: LinalgError.nonFiniteResult(operation: "solve")) { try solve(tiny, large) }
        #expect(throws: LinalgError.nonFiniteResult(operation: "inverse")) {
            try inverse(Matrix<Float>(rows: 1, columns: 1, scalars: [.leastNonzeroMagnitude]))
        }
    }

    @Test("messages name the operation and the shapes")
    func messages() {
        #expect(LinalgError.notSquare(operation: "inverse", argument: "A", shape: [2, 3]).description
            == "inverse: A must be square, found 2×3")
        #expect(LinalgError.notPositiveDefinite(operation: "cholesky", order: 4).description.contains("order 4"))
        #expect(LinalgError.nonFiniteInput(operation: "svd", argument: "A", row: 1, column: 2).description
            == "svd: A holds a NaN or infinity at row 1, column 2")
    }
}
