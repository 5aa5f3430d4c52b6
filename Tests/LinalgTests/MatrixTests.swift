import Linalg
import Tensors
import Testing

@Suite("Matrix values, conversions and products")
struct MatrixTests {
    @Test("storage is validated")
    func storageValidation() throws {
        let m = try Matrix<Float>(rows: 2, columns: 3, scalars: [1, 2, 3, 4, 5, 6])
        #expect(m[1, 0] == 4 && m.shape == [2, 3] && !m.isSquare)
        #expect(throws: LinalgError.invalidStorage(rows: 2, columns: 3, count: 5)) {
            try Matrix<Float>(rows: 2, columns: 3, scalars: [1, 2, 3, 4, 5])
        }
        #expect(throws: LinalgError.invalidStorage(rows: -1, columns: 0, count: 0)) {
            try Matrix<Double>(rows: -1, columns: 0, scalars: [])
        }
        #expect(throws: LinalgError.invalidStorage(rows: Int.max, columns: 2, count: 0)) {
            try Matrix<Double>(rows: Int.max, columns: 2, scalars: [])
        }
    }

    @Test("identity, transpose and Frobenius norm")
    func basics() throws {
        #expect(Matrix<Double>.identity(2).scalars == [1, 0, 0, 1])
        let m = try Matrix<Double>(rows: 2, columns: 3, scalars: [1, 2, 3, 4, 5, 6])
        #expect(m.transposed == (try Matrix(rows: 3, columns: 2, scalars: [1, 4, 2, 5, 3, 6])))
        #expect(m.transposed.transposed == m)
        #expect(try Matrix<Float>(rows: 1, columns: 2, scalars: [3, 4]).frobeniusNorm == 5)
    }

    @Test("Tensor ↔ Matrix round trips exactly; non-matrices are rejected")
    func tensorConversion() throws {
        var rng = RandomGenerator(seed: 3)
        let tensor = rng.normal([4, 5])
        let single = try Matrix<Float>(tensor)
        let double = try Matrix<Double>(tensor)
        #expect(single.shape == [4, 5] && single.scalars == tensor.scalars)
        #expect(Tensor(double).scalars == tensor.scalars && Tensor(double).shape == [4, 5])
        #expect(Matrix<Float>(double) == single)
        #expect(throws: LinalgError.notAMatrix(tensorShape: [2, 2, 2])) { try Matrix<Float>(Tensor.zeros([2, 2, 2])) }
        #expect(throws: LinalgError.notAMatrix(tensorShape: [4])) { try Matrix<Double>(Tensor.zeros([4])) }
    }

    @Test("Double → Float rounds to nearest")
    func precisionConversion() throws {
        let value = 1 + 0x1p-30
        let rounded = Matrix<Float>(try Matrix<Double>(rows: 1, columns: 2, scalars: [value, 1e300]))
        #expect(rounded.scalars == [1, .infinity])
    }

    @Test("matmul matches the triple loop for every transpose combination",
          arguments: [false, true], [false, true])
    func productMatchesDefinition(transposeA: Bool, transposeB: Bool) throws {
        let (m, k, n) = (4, 7, 3)
        let a: Matrix<Double> = TestMatrices.gaussian(rows: transposeA ? k : m, columns: transposeA ? m : k, seed: 1)
        let b: Matrix<Double> = TestMatrices.gaussian(rows: transposeB ? n : k, columns: transposeB ? k : n, seed: 2)
        let opA = transposeA ? a.transposed : a, opB = transposeB ? b.transposed : b
        let expected = Matrix<Double>(rows: m, columns: n) { i, j in
            (0..<k).reduce(0.0) { $0 + opA[i, $1] * opB[$1, j] }
        }
        let product = try matmul(a, b, transposeA: transposeA, transposeB: transposeB)
        #expect(TestMatrices.relativeError(product, expected) <= 1e-14)
        let product32 = try matmul(Matrix<Float>(a), Matrix<Float>(b), transposeA: transposeA, transposeB: transposeB)
        #expect(TestMatrices.relativeError(Matrix<Double>(product32), expected) <= 1e-6)
    }

    @Test("an empty inner extent gives zeros")
    func emptyInnerExtent() throws {
        let product = try matmul(Matrix<Float>.zeros(rows: 2, columns: 0), .zeros(rows: 0, columns: 3))
        #expect(product == .zeros(rows: 2, columns: 3))
    }
}
