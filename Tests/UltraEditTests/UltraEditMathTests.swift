import Linalg
import Tensors
import Testing
@testable import UltraEdit

/// The ridge solve's push-through form and the lifelong normaliser, against direct computations.
@Suite("UltraEdit: ridge solve and lifelong normaliser")
struct UltraEditMathTests {
    @Test("Kᵀ (K Kᵀ + I)⁻¹ V equals (KᵀK + I)⁻¹ KᵀV", arguments: [(1, 8, 5), (4, 32, 16), (12, 48, 20)])
    func pushThrough(rows: Int, keyWidth: Int, valueWidth: Int) throws {
        var rng = RandomGenerator(seed: UInt64(rows))
        let k = rng.normal([rows, keyWidth]), v = rng.normal([rows, valueWidth])
        let pushed = k.matmul(try UltraEditEditor.ridgeCoefficients(keys: k, values: v), transposeSelf: true)
        let keys = Matrix<Double>(try Matrix<Float>(k)), values = Matrix<Double>(try Matrix<Float>(v))
        var system = try matmul(keys, keys, transposeA: true)
        for i in 0..<keyWidth { system[i, i] += 1 }
        let direct = try solve(system, try matmul(keys, values, transposeA: true))
        let difference = zip(pushed.scalars, direct.scalars).map { Double($0) - $1 }
        let norm = { (x: [Double]) in x.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        #expect(norm(difference) <= 1e-4 * norm(direct.scalars))
    }

    /// The rows of `batches` stacked, per column: mean and UltraEdit's S = M₂ + Σ_batches var_b
    /// (M₂ = Σ (z − μ)² over all rows; var_b each batch's unbiased variance, 0 for one row).
    static func direct(_ batches: [[[Double]]]) -> (mean: [Double], sumOfSquares: [Double]) {
        let rows = batches.flatMap { $0 }, width = rows[0].count, n = Double(rows.count)
        let mean = (0..<width).map { c in rows.reduce(0) { $0 + $1[c] } / n }
        let sumOfSquares = (0..<width).map { c in
            let m2 = rows.reduce(0) { $0 + ($1[c] - mean[c]) * ($1[c] - mean[c]) }
            return m2 + batches.reduce(0) { total, batch in
                guard batch.count > 1 else { return total }
                let m = batch.reduce(0) { $0 + $1[c] } / Double(batch.count)
                return total + batch.reduce(0) { $0 + ($1[c] - m) * ($1[c] - m) } / Double(batch.count - 1)
            }
        }
        return (mean, sumOfSquares)
    }

    @Test("after three batches the running mean and std equal a direct computation over every row",
          arguments: [[5, 3, 7], [1, 4, 1], [1, 1, 1]])
    func normalizer(batchSizes: [Int]) throws {
        var rng = RandomGenerator(seed: 3)
        var normalizer = LifelongNormalizer(keyWidth: 3, valueWidth: 2)
        var seen: [[[Double]]] = []
        for (index, size) in batchSizes.enumerated() {
            let keys = rng.normal([size, 3]) * Float(index + 1) + 2, gradients = rng.normal([size, 2]) - 1
            normalizer.update(keys: keys, gradients: gradients)
            seen.append((0..<size).map { r in
                (0..<3).map { Double(keys.scalars[r * 3 + $0]) } + (0..<2).map { Double(gradients.scalars[r * 2 + $0]) }
            })
        }
        let (mean, sumOfSquares) = Self.direct(seen)
        let n = Double(batchSizes.reduce(0, +))
        #expect(normalizer.count == Int(n))
        for c in 0..<5 {
            #expect(abs(normalizer.mean[c] - mean[c]) <= 1e-9 * max(1, abs(mean[c])))
            let sigma = (sumOfSquares[c] / (n - 1 + LifelongNormalizer.epsilon)).squareRoot()
            #expect(abs(normalizer.standardDeviation[c] - sigma) <= 1e-9 * max(1, sigma))
        }
    }

    @Test("a single-row first batch gives finite statistics and finite normalised rows")
    func singleRow() throws {
        var normalizer = LifelongNormalizer(keyWidth: 2, valueWidth: 1)
        let keys = Tensor(shape: [1, 2], scalars: [1, -2]), gradients = Tensor(shape: [1, 1], scalars: [0.5])
        normalizer.update(keys: keys, gradients: gradients)
        #expect(normalizer.mean == [1, -2, 0.5] && normalizer.standardDeviation == [0, 0, 0])
        let normalized = normalizer.normalize(keys: keys, gradients: gradients)
        #expect((normalized.keys.scalars + normalized.gradients.scalars).allSatisfy { $0.isFinite })
        normalizer.update(keys: Tensor(shape: [1, 2], scalars: [3, 0]), gradients: gradients)
        #expect(normalizer.standardDeviation.allSatisfy(\.isFinite) && normalizer.standardDeviation[0] > 0)
    }
}
