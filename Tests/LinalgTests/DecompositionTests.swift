import Linalg
import Testing

/// Invariants of the symmetric eigendecomposition and the SVD on seeded random matrices, in both
/// precisions, with the c·n·ε bounds of ``TestMatrices``.
@Suite("Symmetric eigendecomposition and SVD")
struct DecompositionTests {
    @Test("V·Λ·Vᵀ = A, Vᵀ·V = I, eigenvalues ascending", arguments: Precision.allCases, [1, 3, 17, 64])
    func eigendecompositionReconstructs(precision: Precision, n: Int) throws {
        switch precision {
        case .float32: try checkEigen(Float.self, n)
        case .float64: try checkEigen(Double.self, n)
        }
    }

    private func checkEigen<Scalar: LinalgScalar>(_ type: Scalar.Type, _ n: Int) throws {
        // A symmetric matrix with eigenvalues of both signs: G + Gᵀ.
        let g: Matrix<Scalar> = TestMatrices.gaussian(rows: n, columns: n, seed: 200 + UInt64(n))
        let a = Matrix(rows: n, columns: n) { i, j in g[i, j] + g[j, i] }
        let bound = TestMatrices.tolerance(type, dimension: n)

        let eigen = try symmetricEigen(a)
        let v = eigen.eigenvectors
        #expect(eigen.eigenvalues == eigen.eigenvalues.sorted())
        let reconstructed = try matmul(matmul(v, TestMatrices.diagonal(eigen.eigenvalues)), v, transposeB: true)
        #expect(TestMatrices.relativeError(reconstructed, a) <= bound)
        #expect(TestMatrices.distance(try matmul(v, v, transposeA: true), .identity(n)) <= bound)
    }

    @Test("only the lower triangle is read")
    func readsLowerTriangle() throws {
        let symmetric = try Matrix<Double>(rows: 2, columns: 2, scalars: [2, 1, 1, 2])
        let upperGarbage = try Matrix<Double>(rows: 2, columns: 2, scalars: [2, 99, 1, 2])
        let eigen = try symmetricEigen(upperGarbage)
        #expect(eigen.eigenvalues.enumerated().allSatisfy { abs($0.element - [1.0, 3.0][$0.offset]) < 1e-14 })
        #expect(try symmetricEigen(symmetric).eigenvalues == eigen.eigenvalues)
    }

    static let svdShapes: [(rows: Int, columns: Int)] = [(1, 1), (3, 3), (17, 17), (64, 64), (5, 3), (3, 5)]

    @Test("U·S·Vᵀ = A with orthonormal U and V, S descending; thin and full",
          arguments: Precision.allCases, svdShapes)
    func svdReconstructs(precision: Precision, shape: (rows: Int, columns: Int)) throws {
        switch precision {
        case .float32: try checkSVD(Float.self, shape.rows, shape.columns)
        case .float64: try checkSVD(Double.self, shape.rows, shape.columns)
        }
    }

    private func checkSVD<Scalar: LinalgScalar>(_ type: Scalar.Type, _ m: Int, _ n: Int) throws {
        let a: Matrix<Scalar> = TestMatrices.gaussian(rows: m, columns: n, seed: 300 + UInt64(m * 100 + n))
        let k = min(m, n)
        let bound = TestMatrices.tolerance(type, dimension: max(m, n))

        let thin = try svd(a)
        #expect(thin.u.shape == [m, k] && thin.vt.shape == [k, n] && thin.singularValues.count == k)
        #expect(thin.singularValues == thin.singularValues.sorted(by: >))
        #expect(thin.singularValues.allSatisfy { $0 >= 0 })
        let reconstructed = try matmul(matmul(thin.u, TestMatrices.diagonal(thin.singularValues)), thin.vt)
        #expect(TestMatrices.relativeError(reconstructed, a) <= bound)
        #expect(TestMatrices.distance(try matmul(thin.u, thin.u, transposeA: true), .identity(k)) <= bound)
        #expect(TestMatrices.distance(try matmul(thin.vt, thin.vt, transposeB: true), .identity(k)) <= bound)

        let full = try svd(a, full: true)
        #expect(full.u.shape == [m, m] && full.vt.shape == [n, n])
        #expect(full.singularValues == thin.singularValues)
        #expect(TestMatrices.distance(try matmul(full.u, full.u, transposeA: true), .identity(m)) <= bound)
        #expect(TestMatrices.distance(try matmul(full.vt, full.vt, transposeB: true), .identity(n)) <= bound)
    }

    @Test("a hand-computed example: σ of diag(3, −4) padded to 3×2 is (4, 3)")
    func handExample() throws {
        let a = try Matrix<Double>(rows: 3, columns: 2, scalars: [3, 0, 0, -4, 0, 0])
        let result = try svd(a)
        #expect(result.singularValues == [4, 3])
        // Column 0 of U and row 0 of Vᵀ pair the second axes, with signs that multiply to −1.
        #expect(abs(result.u[1, 0] * result.vt[0, 1] + 1) < 1e-15)
        #expect(abs(result.u[0, 1] * result.vt[1, 0] - 1) < 1e-15)
    }

    @Test("a matrix with an empty side has no singular values")
    func emptySVD() throws {
        let a = Matrix<Float>.zeros(rows: 3, columns: 0)
        let thin = try svd(a)
        #expect(thin.singularValues.isEmpty && thin.u.shape == [3, 0] && thin.vt.shape == [0, 0])
        let full = try svd(a, full: true)
        #expect(full.u == .identity(3) && full.vt.shape == [0, 0])
    }
}
