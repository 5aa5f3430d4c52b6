import Testing
import TestSupport
@testable import Tensors

/// Finite-difference checks for every differentiable operation: Float32 central differences,
/// max relative error ≤ 1e-2 over the whole gradient (see ``GradientCheck``).
@Suite("Gradient checks")
struct GradientCheckTests {
    static let tolerance: Float = 1e-2

    func random(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return rng.uniform(shape, low: low, high: high)
    }

    func expectGradients(
        _ inputs: [Tensor], differentiable: [Bool]? = nil, step: Float = 1e-2,
        sourceLocation: SourceLocation = #_sourceLocation, _ function: ([Tensor]) -> Tensor
    ) {
        let report = GradientCheck.check(inputs, differentiable: differentiable, step: step, function)
        #expect(report.maxRelativeError <= Self.tolerance, "\(report)", sourceLocation: sourceLocation)
    }

    static let broadcastPairs: [([Int], [Int])] = [
        ([3, 4], [3, 4]), ([3, 4], [4]), ([2, 3, 4], [3, 1]), ([1, 4], [3, 1]), ([2, 1, 3], [2, 4, 1]), ([3], []),
    ]

    @Test("add, sub, mul, div with broadcasting", arguments: broadcastPairs)
    func binaryArithmetic(shapes: ([Int], [Int])) {
        let a = random(shapes.0, seed: 1), b = random(shapes.1, seed: 2, low: 0.5, high: 2)
        expectGradients([a, b]) { $0[0] + $0[1] }
        expectGradients([a, b]) { $0[0] - $0[1] }
        expectGradients([a, b]) { $0[0] * $0[1] }
        expectGradients([a, b]) { $0[0] / $0[1] }
        expectGradients([b, a]) { $0[0] / ($0[1] + 3) }
    }

    @Test("pow with tensor exponent and scalar exponent")
    func power() {
        let base = random([3, 4], seed: 3, low: 0.5, high: 2), exponent = random([4], seed: 4)
        expectGradients([base, exponent]) { Tensor.pow($0[0], $0[1]) }
        expectGradients([base]) { $0[0].pow(2.5) }
        expectGradients([base]) { $0[0].pow(-1.5) }
    }

    @Test("scalar operands and negation")
    func scalarOperands() {
        let x = random([2, 5], seed: 5, low: 0.5, high: 2)
        expectGradients([x]) { ($0[0] + 2) * 3 - 1 }
        expectGradients([x]) { 2 - $0[0] }
        expectGradients([x]) { 3 / $0[0] }
        expectGradients([x]) { -$0[0] / 4 }
    }

    @Test("unary functions")
    func unary() {
        let x = random([3, 7], seed: 6, low: -3, high: 3)
        let positive = random([3, 7], seed: 7, low: 0.2, high: 3)
        expectGradients([x]) { $0[0].exp() }
        expectGradients([positive]) { $0[0].log() }
        expectGradients([positive]) { $0[0].sqrt() }
        expectGradients([positive]) { $0[0].rsqrt() }
        expectGradients([x]) { $0[0].tanh() }
        expectGradients([x]) { $0[0].sigmoid() }
        expectGradients([x]) { $0[0].silu() }
        expectGradients([x]) { $0[0].gelu() }
        expectGradients([x]) { $0[0].squared() }
        // abs and relu have kinks at 0: keep inputs away from it.
        let awayFromZero = x + Tensor.where(x.sign(), Tensor(0.05), Tensor(-0.05))
        expectGradients([awayFromZero], step: 1e-3) { $0[0].abs() }
        expectGradients([awayFromZero], step: 1e-3) { $0[0].relu() }
    }

    @Test("sum, mean, max over axes", arguments: [[0], [1], [2], [0, 2], [-1], [0, 1, 2]])
    func reductions(axes: [Int]) {
        let x = random([2, 3, 4], seed: 8)
        expectGradients([x]) { $0[0].sum(axes: axes) }
        expectGradients([x]) { $0[0].mean(axes: axes, keepDims: true) }
        if axes.count == 1 {
            expectGradients([x], step: 1e-3) { $0[0].max(axis: axes[0]) }
            expectGradients([x], step: 1e-3) { $0[0].max(axis: axes[0], keepDims: true) }
        }
    }

    @Test("softmax and log-softmax along each axis", arguments: [0, 1, -1])
    func softmax(axis: Int) {
        let x = random([3, 5], seed: 9, low: -2, high: 2)
        expectGradients([x]) { $0[0].softmax(axis: axis) }
        expectGradients([x]) { $0[0].logSoftmax(axis: axis) }
    }

    @Test("matmul in every transpose combination, batched and broadcast")
    func matmul() {
        for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
            let a = random(ta ? [4, 3] : [3, 4], seed: 10), b = random(tb ? [5, 4] : [4, 5], seed: 11)
            expectGradients([a, b]) { $0[0].matmul($0[1], transposeSelf: ta, transposeOther: tb) }
            let batchA = random(ta ? [2, 4, 3] : [2, 3, 4], seed: 12), batchB = random(tb ? [2, 5, 4] : [2, 4, 5], seed: 13)
            expectGradients([batchA, batchB]) { $0[0].matmul($0[1], transposeSelf: ta, transposeOther: tb) }
            expectGradients([batchA, b]) { $0[0].matmul($0[1], transposeSelf: ta, transposeOther: tb) }
        }
    }

    @Test("reshape, permute, transpose, broadcast")
    func shapes() {
        let x = random([2, 3, 4], seed: 14)
        expectGradients([x]) { $0[0].reshaped([6, -1]) * 2 }
        expectGradients([x]) { $0[0].permuted([2, 0, 1]) }
        expectGradients([x]) { $0[0].transposed(0, 1) }
        expectGradients([random([3, 1], seed: 15)]) { $0[0].broadcasted(to: [2, 3, 4]) }
        expectGradients([x]) { $0[0].expandingDims(at: 1) }
    }

    @Test("slice, concat, split")
    func slicing() {
        let x = random([3, 5, 2], seed: 16), y = random([3, 2, 2], seed: 17)
        expectGradients([x]) { $0[0].slice(axis: 1, 1..<4) }
        expectGradients([x, y]) { Tensor.concat([$0[0], $0[1], $0[0]], axis: 1) }
        expectGradients([x]) { $0[0].split([2, 3], axis: 1)[1] * 3 }
        expectGradients([x]) { Tensor.concat($0[0].split([1, 1, 1], axis: 0).reversed(), axis: 0) }
    }

    @Test("indexSelect, embedding, scatterAdding with repeated indices")
    func indexing() {
        let table = random([6, 3], seed: 18)
        expectGradients([table]) { $0[0].indexSelect(axis: 0, [4, 1, 4, 0]) }
        expectGradients([table]) { $0[0].embedding([1, 5, 5, 2, 0, 3], shape: [2, 3]) }
        expectGradients([table]) { $0[0].indexSelect(axis: 1, [2, 2, 0]) }
        let source = random([6, 2], seed: 19)
        expectGradients([table, source]) { $0[0].scatterAdding(axis: 1, [2, 2], $0[1]) }
    }

    @Test("where and maskedFill")
    func masking() {
        let a = random([3, 4], seed: 20), b = random([4], seed: 21)
        let condition = Tensor(shape: [3, 4], scalars: [1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 0])
        expectGradients([a, b]) { Tensor.where(condition, $0[0], $0[1]) }
        expectGradients([a]) { $0[0].maskedFill(Tensor(shape: [4], scalars: [0, 1, 0, 1]), with: -5) }
    }

    @Test("RMSNorm and LayerNorm, with and without affine parameters")
    func normalization() {
        let x = random([3, 2, 6], seed: 22, low: -2, high: 2)
        let weight = random([6], seed: 23, low: 0.5, high: 1.5), bias = random([6], seed: 24)
        expectGradients([x, weight]) { $0[0].rmsNorm(weight: $0[1], epsilon: 1e-6) }
        expectGradients([x]) { $0[0].rmsNorm(epsilon: 1e-6) }
        expectGradients([x, weight, bias]) { $0[0].layerNorm(weight: $0[1], bias: $0[2], epsilon: 1e-5) }
        expectGradients([x, weight]) { $0[0].layerNorm(weight: $0[1], epsilon: 1e-5) }
        expectGradients([x]) { $0[0].layerNorm(epsilon: 1e-5) }
    }

    @Test("rotary embeddings in both layouts, shared and per-sequence angles", arguments: RotaryLayout.allCases)
    func rotary(layout: RotaryLayout) {
        let x = random([2, 3, 4, 6], seed: 25)
        let angles = random([4, 3], seed: 26, low: -3, high: 3)
        expectGradients([x]) { $0[0].applyingRotary(cos: angles.cos(), sin: angles.sin(), layout: layout) }
        let perSequence = random([2, 4, 3], seed: 27, low: -3, high: 3)
        expectGradients([x]) { $0[0].applyingRotary(cos: perSequence.cos(), sin: perSequence.sin(), layout: layout) }
    }

    @Test("attention: plain, causal, key padding, grouped heads")
    func attention() {
        let q = random([2, 4, 3, 5], seed: 28), k = random([2, 2, 4, 5], seed: 29), v = random([2, 2, 4, 3], seed: 30)
        let padding = Tensor(shape: [2, 4], scalars: [1, 1, 1, 1, 0, 1, 1, 0])
        expectGradients([q, k, v]) { Tensor.scaledDotProductAttention(query: $0[0], key: $0[1], value: $0[2]) }
        expectGradients([q, k, v]) { Tensor.scaledDotProductAttention(query: $0[0], key: $0[1], value: $0[2], causal: true) }
        expectGradients([q, k, v]) {
            Tensor.scaledDotProductAttention(query: $0[0], key: $0[1], value: $0[2], causal: true, keyPadding: padding, scale: 0.7)
        }
    }

    @Test("cross-entropy with ignored rows, KL divergence")
    func losses() {
        let logits = random([4, 6], seed: 31, low: -2, high: 2)
        expectGradients([logits]) { $0[0].crossEntropy(targets: [1, -100, 5, 0]) }
        expectGradients([logits]) { $0[0].crossEntropy(targets: [3, 3, 3, 3], ignoreIndex: 7) }
        let p = random([4, 6], seed: 32, low: -2, high: 2).logSoftmax()
        let q = random([4, 6], seed: 33, low: -2, high: 2).logSoftmax()
        expectGradients([q, p]) { $0[0].klDivergence(targetLogProbabilities: $0[1]) }
    }
}
