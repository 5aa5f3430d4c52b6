import Linalg
import Testing

/// Float32 results agree with Float64 ones on well-conditioned inputs.
///
/// The Float64 matrix is built first and rounded once to Float32, so both solve the same problem up
/// to a relative input perturbation of 2⁻²⁴. For condition numbers κ ≲ 10 (the test matrices'
/// eigenvalues lie in [1, ~5] or have real parts ≥ √n; κ ≤ 5.1 measured) the forward error is about
/// κ·n·2⁻²⁴ ≤ 2e-5 for n ≤ 64, and in practice far less (measured ≤ 1.6e-7): the bound is 1e-5.
@Suite("Float32 agrees with Float64")
struct PrecisionAgreementTests {
    static let bound = 1e-5

    @Test("cholesky, choleskySolve, solve, inverse", arguments: [3, 17, 64])
    func factorizationsAgree(n: Int) throws {
        let spd: Matrix<Double> = try TestMatrices.symmetricPositiveDefinite(n, seed: 400 + UInt64(n))
        let general: Matrix<Double> = TestMatrices.wellConditioned(n, seed: 500 + UInt64(n))
        let b: Matrix<Double> = TestMatrices.gaussian(rows: n, columns: 2, seed: 600 + UInt64(n))
        let (spd32, general32, b32) = (Matrix<Float>(spd), Matrix<Float>(general), Matrix<Float>(b))

        func agree(_ single: Matrix<Float>, _ double: Matrix<Double>) -> Bool {
            TestMatrices.relativeError(Matrix<Double>(single), double) <= Self.bound
        }
        let factor = try cholesky(spd), factor32 = try cholesky(spd32)
        #expect(agree(factor32, factor))
        #expect(agree(try choleskySolve(factor: factor32, b32), try choleskySolve(factor: factor, b)))
        #expect(agree(try solve(general32, b32), try solve(general, b)))
        #expect(agree(try inverse(general32), try inverse(general)))
    }

    @Test("eigenvalues and singular values", arguments: [3, 17, 64])
    func spectraAgree(n: Int) throws {
        let spd: Matrix<Double> = try TestMatrices.symmetricPositiveDefinite(n, seed: 700 + UInt64(n))
        let rectangular: Matrix<Double> = TestMatrices.gaussian(rows: n, columns: n / 2 + 1, seed: 800 + UInt64(n))

        func agree(_ single: [Float], _ double: [Double]) -> Bool {
            let scale = double.map(abs).max() ?? 1
            return zip(single, double).allSatisfy { abs(Double($0) - $1) <= Self.bound * scale }
        }
        #expect(agree(try symmetricEigen(Matrix<Float>(spd)).eigenvalues, try symmetricEigen(spd).eigenvalues))
        #expect(agree(try svd(Matrix<Float>(rectangular)).singularValues, try svd(rectangular).singularValues))
    }
}
