import KnowledgeEditing
import Tensors
import Testing

@Suite("Weight deltas")
struct WeightDeltaTests {
    @Test("base + Δ by one accumulated GEMM equals base + the dense product; dense and rank-0 deltas too")
    func addedToBase() {
        var rng = RandomGenerator(seed: 9)
        let base = rng.normal([6, 4]), before = base.scalars
        for rank in [0, 1, 3] {
            let delta = WeightDelta(parameter: "w", value: .lowRank(left: rng.normal([6, rank]), right: rng.normal([rank, 4])))
            let expected = base + delta.dense
            let found = delta.added(to: base)
            #expect(found.shape == [6, 4])
            #expect(zip(found.scalars, expected.scalars).allSatisfy { abs($0 - $1) <= 1e-5 }, "rank \(rank)")
            #expect(delta.added(to: base).scalars == found.scalars, "the same inputs give the same bits")
        }
        let dense = rng.normal([6, 4])
        #expect(WeightDelta(parameter: "w", value: .dense(dense)).added(to: base).scalars == (base + dense).scalars)
        #expect(base.scalars == before, "the GEMM accumulates into a copy, never into base's buffer")
    }
}
