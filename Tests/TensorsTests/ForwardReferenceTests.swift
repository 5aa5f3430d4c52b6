import Foundation
import Testing
@testable import Tensors

/// Forward values against straightforward Float64 loops written independently in the test.
@Suite("Forward values against Float64 references")
struct ForwardReferenceTests {
    func random(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return rng.uniform(shape, low: low, high: high)
    }

    @Test("matmul and its gradients match Float64 products", arguments: [(7, 5, 3), (64, 33, 17), (1, 9, 1)])
    func matmul(dims: (Int, Int, Int)) {
        let (m, k, n) = dims
        let a = random([m, k], seed: 1), b = random([k, n], seed: 2)
        let (x, y) = (a.scalars.map(Double.init), b.scalars.map(Double.init))
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for p in 0..<k { c[i * n + j] += x[i * k + p] * y[p * n + j] } } }
        expectClose(a.matmul(b), c)
        // ∂ sum(A·B)/∂A = 1·Bᵀ: row sums of B.
        let tape = Tape()
        let ta = tape.variable(a)
        let grad = tape.gradients(of: ta.matmul(b).sum(), withRespectTo: [ta])[0]
        let expected = (0..<m).flatMap { _ in (0..<k).map { p in (0..<n).reduce(0.0) { $0 + y[p * n + $1] } } }
        expectClose(grad, expected)
    }

    @Test("element-wise functions")
    func elementwise() {
        let x = random([1000], seed: 3, low: -12, high: 12)
        let v = x.scalars.map(Double.init)
        expectClose(x.exp(), v.map { Foundation.exp($0) }, relative: 3e-7)
        expectClose(x.tanh(), v.map { Foundation.tanh($0) }, relative: 1e-6)
        expectClose(x.sigmoid(), v.map { 1 / (1 + Foundation.exp(-$0)) }, relative: 1e-6)
        expectClose(x.silu(), v.map { $0 / (1 + Foundation.exp(-$0)) }, relative: 1e-6)
        expectClose(x.gelu(), v.map { 0.5 * $0 * (1 + Foundation.tanh(0.7978845608028654 * ($0 + 0.044715 * $0 * $0 * $0))) }, relative: 1e-6)
        expectClose(x.relu(), v.map { max($0, 0) })
        expectClose(x.abs(), v.map(Swift.abs))
    }

    @Test("fast exp and tanh are within their documented error over dense grids")
    func fastMathAccuracy() {
        var worstExpUlps: Double = 0, worstTanh: Double = 0
        var x: Float = -87
        while x < 88.7 {
            let reference = Foundation.exp(Double(x))
            let ulp = Double(Float(reference).ulp)
            worstExpUlps = max(worstExpUlps, Swift.abs(Double(FastMath.exp(x)) - reference) / ulp)
            x += 0.001_37
        }
        x = -20
        while x < 20 {
            worstTanh = max(worstTanh, Swift.abs(Double(FastMath.tanh(x)) - Foundation.tanh(Double(x))))
            x += 0.000_71
        }
        #expect(worstExpUlps <= 2, "exp: \(worstExpUlps) ulp")
        #expect(worstTanh <= 3e-7, "tanh: \(worstTanh) absolute")
        #expect(FastMath.exp(89) == .infinity && FastMath.exp(-88) == 0 && FastMath.exp(.nan).isNaN)
        #expect(FastMath.tanh(.infinity) == 1 && FastMath.tanh(-.infinity) == -1)
    }

    @Test("softmax, log-softmax, RMSNorm, LayerNorm per row")
    func rowFunctions() {
        let x = random([5, 11], seed: 4, low: -4, high: 4), w = random([11], seed: 5)
        let rows = (0..<5).map { r in (0..<11).map { Double(x[r, $0]) } }
        let weight = w.scalars.map(Double.init)
        var softmax: [Double] = [], logSoftmax: [Double] = [], rms: [Double] = [], layer: [Double] = []
        for row in rows {
            let m = row.max()!, total = row.map { Foundation.exp($0 - m) }.reduce(0, +)
            softmax += row.map { Foundation.exp($0 - m) / total }
            logSoftmax += row.map { $0 - m - Foundation.log(total) }
            let r = 1 / (row.map { $0 * $0 }.reduce(0, +) / 11 + 1e-6).squareRoot()
            rms += row.enumerated().map { $0.element * r * weight[$0.offset] }
            let mean = row.reduce(0, +) / 11
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 11
            layer += row.enumerated().map { ($0.element - mean) / (variance + 1e-5).squareRoot() * weight[$0.offset] + 0.5 }
        }
        expectClose(x.softmax(), softmax)
        expectClose(x.logSoftmax(), logSoftmax)
        expectClose(x.rmsNorm(weight: w, epsilon: 1e-6), rms)
        expectClose(x.layerNorm(weight: w, bias: Tensor(repeating: 0.5, shape: [11]), epsilon: 1e-5), layer)
    }

    @Test("attention equals the composition softmax(q kᵀ/√d + mask) v, with grouped heads")
    func attention() {
        let (b, h, hkv, lq, lk, d) = (2, 4, 2, 3, 5, 8)
        let q = random([b, h, lq, d], seed: 6), k = random([b, hkv, lk, d], seed: 7), v = random([b, hkv, lk, d], seed: 8)
        let padding = Tensor(shape: [b, lk], scalars: [1, 1, 1, 1, 1, 0, 1, 1, 1, 0])
        let out = Tensor.scaledDotProductAttention(query: q, key: k, value: v, causal: true, keyPadding: padding)
        var expected: [Double] = []
        for bi in 0..<b {
            for hi in 0..<h {
                let kv = hi / (h / hkv)
                for i in 0..<lq {
                    var scores = (0..<lk).map { j -> Double in
                        let visible = j <= i && padding[bi, j] != 0
                        guard visible else { return -.infinity }
                        return (0..<d).reduce(0.0) { $0 + Double(q[bi, hi, i, $1]) * Double(k[bi, kv, j, $1]) } / Double(d).squareRoot()
                    }
                    let m = scores.max()!
                    scores = scores.map { Foundation.exp($0 - m) }
                    let total = scores.reduce(0, +)
                    expected += (0..<d).map { e in (0..<lk).reduce(0.0) { $0 + scores[$1] / total * Double(v[bi, kv, $1, e]) } }
                }
            }
        }
        expectClose(out, expected, relative: 1e-5)
    }

    @Test("a query that sees no key gets zeros")
    func fullyMaskedRow() {
        let q = random([1, 1, 2, 4], seed: 9), k = random([1, 1, 2, 4], seed: 10), v = random([1, 1, 2, 4], seed: 11)
        let out = Tensor.scaledDotProductAttention(query: q, key: k, value: v, causal: true,
                                                   keyPadding: Tensor(shape: [1, 2], scalars: [0, 1]))
        #expect(out.slice(axis: 2, 0..<1).scalars == [0, 0, 0, 0])
        #expect(!out.scalars.contains { $0.isNaN })
    }

    @Test("rotary layouts rotate the documented feature pairs")
    func rotary() {
        let x = Tensor(shape: [1, 4], scalars: [1, 2, 3, 4])
        let theta = Tensor(shape: [1, 2], scalars: [Float.pi / 2, Float.pi])
        let half = x.applyingRotary(cos: theta.cos(), sin: theta.sin(), layout: .halfSplit)
        // pairs (1,3) by π/2 → (−3, 1); (2,4) by π → (−2, −4)
        expectClose(half, [-3, -2, 1, -4], relative: 1e-6)
        let interleaved = x.applyingRotary(cos: theta.cos(), sin: theta.sin(), layout: .interleaved)
        // pairs (1,2) by π/2 → (−2, 1); (3,4) by π → (−3, −4)
        expectClose(interleaved, [-2, 1, -3, -4], relative: 1e-6)
    }

    @Test("cross-entropy and KL divergence")
    func losses() {
        let logits = random([3, 4], seed: 12, low: -2, high: 2)
        let rows = (0..<3).map { r in (0..<4).map { Double(logits[r, $0]) } }
        func logSoftmax(_ row: [Double]) -> [Double] {
            let m = row.max()!, total = row.map { Foundation.exp($0 - m) }.reduce(0, +)
            return row.map { $0 - m - Foundation.log(total) }
        }
        let expectedCE = -(logSoftmax(rows[0])[2] + logSoftmax(rows[2])[0]) / 2
        expectClose(logits.crossEntropy(targets: [2, -100, 0]), [expectedCE])
        #expect(logits.crossEntropy(targets: [-100, -100, -100]).item == 0)
        let p = logits.logSoftmax(), q = (logits * 0.5).logSoftmax()
        var kl = 0.0
        for r in 0..<3 {
            let lp = logSoftmax(rows[r]), lq = logSoftmax(rows[r].map { $0 * 0.5 })
            for j in 0..<4 { kl += Foundation.exp(lp[j]) * (lp[j] - lq[j]) }
        }
        expectClose(q.klDivergence(targetLogProbabilities: p), [kl / 3], relative: 1e-5)
    }

    @Test("reductions, permutation, broadcasting and slicing move the right values")
    func dataMovement() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(x.sum(axes: [0]).scalars == [5, 7, 9])
        #expect(x.sum(axes: [1], keepDims: true).shape == [2, 1])
        #expect(x.max(axis: 1).scalars == [3, 6])
        #expect(x.argmax(axis: 0) == [1, 1, 1])
        #expect(x.transposedLast.scalars == [1, 4, 2, 5, 3, 6])
        #expect(x.slice(axis: 1, 1..<3).scalars == [2, 3, 5, 6])
        #expect(Tensor.concat([x, x], axis: 0).shape == [4, 3])
        #expect(Tensor(shape: [3], scalars: [1, 2, 3]).broadcasted(to: [2, 3]).scalars == [1, 2, 3, 1, 2, 3])
        #expect((x + Tensor(shape: [2, 1], scalars: [10, 20])).scalars == [11, 12, 13, 24, 25, 26])
        #expect(x.indexSelect(axis: 1, [2, 0]).scalars == [3, 1, 6, 4])
        #expect(Tensor.zeros([2, 3]).scatterAdding(axis: 1, [1, 1], Tensor.ones([2, 2])).scalars == [0, 2, 0, 0, 2, 0])
    }
}
