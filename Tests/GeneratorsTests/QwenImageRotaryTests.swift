import Foundation
import Tensors
import Testing

@testable import Generators

/// MSRoPE positions and frequencies (diffusers `QwenEmbedRope`, scale_rope=True).
@Suite("Qwen-Image rotary embedding")
struct QwenImageRotaryTests {
    let rope = QwenImageRotaryEmbedding(axes: [8, 4, 4])

    /// The angle of pair `k` (over all axes) at positions (f, r, c).
    func angle(_ k: Int, _ positions: [Int]) -> Double {
        var pair = k
        for (axis, width) in [8, 4, 4].enumerated() {
            if pair < width / 2 {
                let omega = Float(1 / pow(10000, Double(2 * pair) / Double(width)))
                return Double(Float(positions[axis]) * omega)
            }
            pair -= width / 2
        }
        fatalError("pair out of range")
    }

    @Test("image rows and columns are centred on 0; text sits on the diagonal from max(h/2, w/2)")
    func positions() {
        let (h, w, textLength) = (5, 6, 3)
        let (cos, sin) = rope.tables(images: [PackedImageShape(frames: 2, height: h, width: w)], textLength: textLength)
        #expect(cos.shape == [textLength + 2 * h * w, 8] && sin.shape == cos.shape)
        func check(row: Int, positions: [Int]) {
            for k in 0..<8 {
                #expect(abs(cos[row, k] - Float(Foundation.cos(angle(k, positions)))) < 1e-7)
                #expect(abs(sin[row, k] - Float(Foundation.sin(angle(k, positions)))) < 1e-7)
            }
        }
        for t in 0..<textLength { check(row: t, positions: [3 + t, 3 + t, 3 + t]) }
        for f in 0..<2 {
            for r in 0..<h {
                for c in 0..<w { check(row: textLength + (f * h + r) * w + c, positions: [f, r - 3, c - 3]) }
            }
        }
    }

    @Test("one table for a shared shape, one per sample for different shapes")
    func perSample() {
        let shared = rope.tables(
            images: [PackedImageShape(height: 2, width: 3), PackedImageShape(height: 2, width: 3)], textLength: 2)
        #expect(shared.cos.shape == [8, 8])
        let mixed = rope.tables(
            images: [PackedImageShape(height: 2, width: 3), PackedImageShape(height: 3, width: 2)], textLength: 2)
        #expect(mixed.cos.shape == [2, 8, 8])
        let second = rope.tables(images: [PackedImageShape(height: 3, width: 2)], textLength: 2)
        #expect(mixed.cos.slice(axis: 0, 1..<2).scalars == second.cos.scalars)
        #expect(mixed.sin.slice(axis: 0, 0..<1).scalars == shared.sin.scalars)
    }

    @Test("the interleaved rotation is the complex product (x₂ₖ + i·x₂ₖ₊₁)·e^{iθ}")
    func complexProduct() {
        let (cos, sin) = rope.tables(images: [PackedImageShape(height: 2, width: 2)], textLength: 1)
        var random = RandomGenerator(seed: 2)
        let x = random.normal([1, 1, 5, 16])
        let rotated = x.applyingRotary(cos: cos, sin: sin, layout: .interleaved)
        for row in 0..<5 {
            for k in 0..<8 {
                let (a, b) = (x[0, 0, row, 2 * k], x[0, 0, row, 2 * k + 1])
                let (c, s) = (cos[row, k], sin[row, k])
                #expect(abs(rotated[0, 0, row, 2 * k] - (a * c - b * s)) < 1e-6)
                #expect(abs(rotated[0, 0, row, 2 * k + 1] - (a * s + b * c)) < 1e-6)
            }
        }
    }
}
