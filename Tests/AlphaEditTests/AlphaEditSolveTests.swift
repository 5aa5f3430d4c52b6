import Linalg
import Tensors
import Testing
@testable import AlphaEdit

/// The reduced m × m solve against the d × d equation EasyEdit solves, on random data.
@Suite("AlphaEdit: the solve")
struct AlphaEditSolveTests {
    /// d = 12 key width, n = 3 requests; C from 6 random keys (a 6-dimensional null space), a key
    /// cache from 2 earlier keys.
    struct Problem {
        let keys: Tensor, cache: Tensor, projector: NullSpaceProjector

        init() throws {
            var rng = RandomGenerator(seed: 5)
            let preserved = rng.normal([6, 12]), earlier = rng.normal([2, 12])
            keys = rng.normal([3, 12])
            cache = earlier.matmul(earlier, transposeSelf: true)
            projector = try NullSpaceProjector(secondMoment: preserved.matmul(preserved, transposeSelf: true) / 6,
                                               threshold: 1e-4)
        }
    }

    @Test("B = U₀(U₀ᵀ(KKᵀ + C_p)U₀ + αI)⁻¹U₀ᵀK equals [P(KKᵀ + C_p) + αI]⁻¹ P K",
          arguments: [10, 1, 1e-2])
    func matchesEasyEditEquation(l2: Double) throws {
        let problem = try Problem()
        #expect(problem.projector.nullSpaceDimension == 6)
        for cache in [problem.cache, nil] {
            let ours = try AlphaEditEditor.solve(keys: problem.keys, previousKeys: cache, projector: problem.projector,
                                                 l2: l2)                                        // [12, 3]
            let p = Matrix<Double>(try Matrix<Float>(try problem.projector.matrix))
            let k = Matrix<Double>(try Matrix<Float>(problem.keys)).transposed                   // [12, 3]
            let gram = try matmul(k, k, transposeB: true)
            let c = try cache.map { Matrix<Double>(try Matrix<Float>($0)) }
            let memory = Matrix<Double>(rows: 12, columns: 12) { i, j in gram[i, j] + (c?[i, j] ?? 0) }  // KKᵀ + C_p
            let projected = try matmul(p, memory)
            let system = Matrix<Double>(rows: 12, columns: 12) { i, j in projected[i, j] + (i == j ? l2 : 0) }
            let reference = try solve(system, try matmul(p, k))                                   // LU, as EasyEdit
            let difference = zip(try Matrix<Float>(ours).scalars, reference.scalars).map { abs(Double($0) - $1) }.max()!
            let scale = reference.scalars.map(abs).max()!
            #expect(difference <= 1e-5 * scale, "L2 \(l2), cache \(cache != nil): \(difference) vs \(scale)")
        }
    }
}
