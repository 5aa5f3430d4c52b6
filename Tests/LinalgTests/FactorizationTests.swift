import Linalg
import Testing

/// Invariants of the Cholesky and LU based operations on seeded random matrices, in both
/// precisions. Each check is a normwise backward error bounded by c·n·ε (see ``TestMatrices``).
@Suite("Cholesky, solve and inverse")
struct FactorizationTests {
    static let sizes = [1, 3, 17, 64]

    @Test("L·Lᵀ = A and Uᵀ·U = A, with the other triangle zero", arguments: Precision.allCases, sizes)
    func choleskyReconstructs(precision: Precision, n: Int) throws {
        switch precision {
        case .float32: try checkCholesky(Float.self, n)
        case .float64: try checkCholesky(Double.self, n)
        }
    }

    private func checkCholesky<Scalar: LinalgScalar>(_ type: Scalar.Type, _ n: Int) throws {
        let a: Matrix<Scalar> = try TestMatrices.symmetricPositiveDefinite(n, seed: UInt64(n))
        let bound = TestMatrices.tolerance(type, dimension: n)

        let lower = try cholesky(a)
        #expect(TestMatrices.relativeError(try matmul(lower, lower, transposeB: true), a) <= bound)
        let upper = try cholesky(a, triangle: .upper)
        #expect(TestMatrices.relativeError(try matmul(upper, upper, transposeA: true), a) <= bound)
        // The two triangles are computed by different blocked loops, so they agree to rounding only.
        #expect(TestMatrices.relativeError(upper, lower.transposed) <= bound)
        for i in 0..<n {
            #expect(lower[i, i] > 0)
            for j in (i + 1)..<n { #expect(lower[i, j] == 0) }
        }
    }

    @Test("A·X = B through the Cholesky factor and through LU", arguments: Precision.allCases, sizes)
    func solvesSatisfyTheSystem(precision: Precision, n: Int) throws {
        switch precision {
        case .float32: try checkSolves(Float.self, n)
        case .float64: try checkSolves(Double.self, n)
        }
    }

    private func checkSolves<Scalar: LinalgScalar>(_ type: Scalar.Type, _ n: Int) throws {
        let bound = TestMatrices.tolerance(type, dimension: n)
        let b: Matrix<Scalar> = TestMatrices.gaussian(rows: n, columns: 3, seed: 100 + UInt64(n))

        // Backward error ‖A·X − B‖ / (‖A‖·‖X‖ + ‖B‖).
        func backwardError(_ a: Matrix<Scalar>, _ x: Matrix<Scalar>) throws -> Double {
            let residual = TestMatrices.distance(try matmul(a, x), b)
            return residual / (a.frobeniusNorm * x.frobeniusNorm + b.frobeniusNorm)
        }

        let spd: Matrix<Scalar> = try TestMatrices.symmetricPositiveDefinite(n, seed: UInt64(n))
        for triangle in [Triangle.lower, .upper] {
            let factor = try cholesky(spd, triangle: triangle)
            #expect(try backwardError(spd, choleskySolve(factor: factor, triangle: triangle, b)) <= bound)
        }
        let general: Matrix<Scalar> = TestMatrices.wellConditioned(n, seed: UInt64(n))
        #expect(try backwardError(general, solve(general, b)) <= bound)
    }

    @Test("A·A⁻¹ = I = A⁻¹·A", arguments: Precision.allCases, sizes)
    func inverseIsTwoSided(precision: Precision, n: Int) throws {
        switch precision {
        case .float32: try checkInverse(Float.self, n)
        case .float64: try checkInverse(Double.self, n)
        }
    }

    private func checkInverse<Scalar: LinalgScalar>(_ type: Scalar.Type, _ n: Int) throws {
        let a: Matrix<Scalar> = TestMatrices.wellConditioned(n, seed: UInt64(n))
        let aInverse = try inverse(a)
        // ‖A·A⁻¹ − I‖_F ≤ c·n·ε·‖A‖·‖A⁻¹‖ (the residual bound for an inverse computed by getri).
        let bound = TestMatrices.tolerance(type, dimension: n) * a.frobeniusNorm * aInverse.frobeniusNorm
        #expect(TestMatrices.distance(try matmul(a, aInverse), .identity(n)) <= bound)
        #expect(TestMatrices.distance(try matmul(aInverse, a), .identity(n)) <= bound)
    }

    @Test("a hand-computed 2×2 example")
    func handExample() throws {
        // A = [[4, 2], [2, 3]] = L·Lᵀ with L = [[2, 0], [1, √2]]; A⁻¹ = [[3, −2], [−2, 4]] / 8.
        let a = try Matrix<Double>(rows: 2, columns: 2, scalars: [4, 2, 2, 3])
        let l = try cholesky(a)
        #expect(TestMatrices.distance(l, try Matrix(rows: 2, columns: 2, scalars: [2, 0, 1, 2.0.squareRoot()])) < 1e-15)
        let expectedInverse = try Matrix<Double>(rows: 2, columns: 2, scalars: [0.375, -0.25, -0.25, 0.5])
        #expect(TestMatrices.distance(try inverse(a), expectedInverse) < 1e-15)
        #expect(TestMatrices.distance(try choleskySolve(factor: l, .identity(2)), expectedInverse) < 1e-15)
        let x = try solve(a, Matrix(rows: 2, columns: 1, scalars: [8, 7]))
        #expect(TestMatrices.distance(x, try Matrix(rows: 2, columns: 1, scalars: [1.25, 1.5])) < 1e-15)
    }

    @Test("empty systems give empty results")
    func emptyMatrices() throws {
        let empty = Matrix<Double>.zeros(rows: 0, columns: 0)
        #expect(try cholesky(empty) == empty)
        #expect(try inverse(empty) == empty)
        #expect(try solve(empty, .zeros(rows: 0, columns: 2)) == .zeros(rows: 0, columns: 2))
        #expect(try symmetricEigen(empty).eigenvalues.isEmpty)
    }
}
