import Linalg
import Tensors
import Testing

/// The two precisions every invariant is checked in.
enum Precision: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case float32, float64
    var testDescription: String { rawValue }
}

/// Seeded test matrices and error measures shared by the suites.
///
/// Tolerances are stated in units of the precision's machine epsilon ε (`ulpOfOne`: 2⁻²³ for Float,
/// 2⁻⁵² for Double) times the dimension n, the growth LAPACK's backward-stable algorithms guarantee
/// (Higham, *Accuracy and Stability of Numerical Algorithms*, ch. 9–10): a backward error of
/// c·n·ε with c = 10 leaves room for the constants without letting a wrong result through (a wrong
/// factor or sign gives relative errors of order 1).
enum TestMatrices {
    /// Entries drawn from N(0, 1), reproducible from `seed`.
    static func gaussian<Scalar: LinalgScalar>(rows: Int, columns: Int, seed: UInt64) -> Matrix<Scalar> {
        var rng = RandomGenerator(seed: seed)
        return Matrix(rows: rows, columns: columns) { _, _ in Scalar(rng.nextNormal()) }
    }

    /// A well-conditioned symmetric positive definite matrix: A = MᵀM/n + I (eigenvalues in
    /// [1, ~5]), built in Double and rounded once to `Scalar`.
    static func symmetricPositiveDefinite<Scalar: LinalgScalar>(_ n: Int, seed: UInt64) throws -> Matrix<Scalar> {
        let m: Matrix<Double> = gaussian(rows: n, columns: n, seed: seed)
        let gram = try matmul(m, m, transposeA: true)
        return Matrix(Matrix<Double>(rows: n, columns: n) { i, j in gram[i, j] / Double(n) + (i == j ? 1 : 0) })
    }

    /// A well-conditioned general matrix: G + 2√n·I with G Gaussian, so every eigenvalue of G (in the
    /// disc of radius ≈ √n) moves to real part ≥ √n.
    static func wellConditioned<Scalar: LinalgScalar>(_ n: Int, seed: UInt64) -> Matrix<Scalar> {
        let g: Matrix<Double> = gaussian(rows: n, columns: n, seed: seed)
        let shift = 2 * Double(n).squareRoot()
        return Matrix(Matrix<Double>(rows: n, columns: n) { i, j in g[i, j] + (i == j ? shift : 0) })
    }

    /// ‖X − Y‖_F.
    static func distance<Scalar: LinalgScalar>(_ x: Matrix<Scalar>, _ y: Matrix<Scalar>) -> Double {
        precondition(x.shape == y.shape, "distance: \(x.shape) vs \(y.shape)")
        return zip(x.scalars, y.scalars).reduce(0.0) { sum, pair in
            let d = Double(pair.0) - Double(pair.1)
            return sum + d * d
        }.squareRoot()
    }

    /// ‖X − Y‖_F / ‖Y‖_F.
    static func relativeError<Scalar: LinalgScalar>(_ x: Matrix<Scalar>, _ y: Matrix<Scalar>) -> Double {
        distance(x, y) / max(y.frobeniusNorm, .leastNormalMagnitude)
    }

    /// The bound c·n·ε (c = 10) used for backward errors of n-dimensional problems.
    static func tolerance<Scalar: LinalgScalar>(_: Scalar.Type, dimension n: Int) -> Double {
        10 * Double(max(n, 1)) * Double(Scalar.ulpOfOne)
    }

    /// D = diag(values) as an n×n matrix.
    static func diagonal<Scalar: LinalgScalar>(_ values: [Scalar]) -> Matrix<Scalar> {
        Matrix(rows: values.count, columns: values.count) { i, j in i == j ? values[i] : 0 }
    }
}
