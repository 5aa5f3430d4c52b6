import Testing
import TestSupport
@testable import Tensors

/// 2-D convolution, nearest upsampling, clamping and L2 normalisation: forward values against
/// Float64 loops written independently here, and finite-difference gradient checks.
@Suite("Convolution and image ops")
struct ConvolutionTests {
    /// One convolution case: input shape, weight shape, stride, padding, whether it has a bias,
    /// and the column budget (small budgets split the output rows into several bands).
    struct Case: CustomTestStringConvertible, Sendable {
        let input: [Int], weight: [Int], stride: Int, padding: ConvolutionPadding, bias: Bool, budget: Int
        var testDescription: String {
            "x\(input) w\(weight) s\(stride) pad(\(padding.top),\(padding.bottom),\(padding.left),\(padding.right))"
                + "\(bias ? " bias" : "") budget \(budget)"
        }
    }

    static let cases: [Case] = [
        Case(input: [2, 3, 5, 6], weight: [4, 3, 3, 3], stride: 1, padding: ConvolutionPadding(1), bias: true,
             budget: 1 << 24),
        // Several bands of output rows (27 patch rows × 6 columns: 2 rows per band).
        Case(input: [2, 3, 5, 6], weight: [4, 3, 3, 3], stride: 1, padding: ConvolutionPadding(1), bias: true,
             budget: 27 * 6 * 2),
        // nn.ZeroPad2d((0, 1, 0, 1)) then a 3×3 stride-2 convolution (a VAE downsample).
        Case(input: [1, 2, 6, 8], weight: [3, 2, 3, 3], stride: 2,
             padding: ConvolutionPadding(top: 0, bottom: 1, left: 0, right: 1), bias: true, budget: 1 << 24),
        Case(input: [1, 2, 7, 5], weight: [3, 2, 3, 3], stride: 2,
             padding: ConvolutionPadding(top: 0, bottom: 1, left: 0, right: 1), bias: false, budget: 18 * 3),
        // Pointwise: the image is its own column matrix.
        Case(input: [2, 5, 3, 4], weight: [3, 5, 1, 1], stride: 1, padding: .zero, bias: true, budget: 1 << 24),
        // Rectangular kernel, padding wider than the kernel reaches, no bias.
        Case(input: [1, 2, 4, 3], weight: [2, 2, 2, 3], stride: 1, padding: ConvolutionPadding(2), bias: false,
             budget: 1 << 24),
    ]

    func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return rng.uniform(shape, low: -1, high: 1)
    }

    /// The convolution by its definition, in Float64.
    func referenceConvolution(_ c: Case, x: Tensor, w: Tensor, b: Tensor?) -> (shape: [Int], values: [Double]) {
        let (n, ch, h, wd) = (c.input[0], c.input[1], c.input[2], c.input[3])
        let (o, kh, kw) = (c.weight[0], c.weight[2], c.weight[3])
        let p = c.padding
        let oh = (h + p.top + p.bottom - kh) / c.stride + 1, ow = (wd + p.left + p.right - kw) / c.stride + 1
        let (xs, ws, bs) = (x.scalars.map(Double.init), w.scalars.map(Double.init), b?.scalars.map(Double.init))
        var out = [Double](repeating: 0, count: n * o * oh * ow)
        for img in 0..<n {
            for oc in 0..<o {
                for y in 0..<oh {
                    for xo in 0..<ow {
                        var total = bs?[oc] ?? 0
                        for ic in 0..<ch {
                            for i in 0..<kh {
                                for j in 0..<kw {
                                    let iy = y * c.stride + i - p.top, ix = xo * c.stride + j - p.left
                                    guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
                                    let weightIndex = ((oc * ch + ic) * kh + i) * kw + j
                                    total += ws[weightIndex] * xs[((img * ch + ic) * h + iy) * wd + ix]
                                }
                            }
                        }
                        out[((img * o + oc) * oh + y) * ow + xo] = total
                    }
                }
            }
        }
        return ([n, o, oh, ow], out)
    }

    @Test("conv2d matches the Float64 definition", arguments: cases)
    func forward(_ c: Case) {
        let x = random(c.input, seed: 1), w = random(c.weight, seed: 2)
        let b = c.bias ? random([c.weight[0]], seed: 3) : nil
        let y = x.conv2d(weight: w, bias: b, stride: c.stride, padding: c.padding, columnBudget: c.budget)
        let reference = referenceConvolution(c, x: x, w: w, b: b)
        #expect(y.shape == reference.shape)
        expectClose(y, reference.values)
    }

    @Test("conv2d gradients of input, weight and bias match finite differences", arguments: cases)
    func gradients(_ c: Case) {
        let x = random(c.input, seed: 4), w = random(c.weight, seed: 5)
        let inputs = c.bias ? [x, w, random([c.weight[0]], seed: 6)] : [x, w]
        let report = GradientCheck.check(inputs) { t in
            t[0].conv2d(weight: t[1], bias: c.bias ? t[2] : nil, stride: c.stride, padding: c.padding,
                        columnBudget: c.budget)
        }
        #expect(report.maxRelativeError <= 1e-2, "\(report)")
    }

    @Test("conv2d gradient of the input alone, weight constant")
    func inputGradientOnly() {
        let c = Self.cases[2]
        let x = random(c.input, seed: 7), w = random(c.weight, seed: 8)
        let report = GradientCheck.check([x]) { $0[0].conv2d(weight: w, stride: c.stride, padding: c.padding) }
        #expect(report.maxRelativeError <= 1e-2, "\(report)")
    }

    @Test("nearest upsampling repeats pixels; its gradient sums blocks", arguments: [2, 3])
    func upsampling(factor: Int) {
        let x = random([2, 3, 4, 5], seed: 9)
        let y = x.upsampledNearest(factor: factor)
        #expect(y.shape == [2, 3, 4 * factor, 5 * factor])
        var expected: [Double] = []
        for n in 0..<2 { for c in 0..<3 { for row in 0..<(4 * factor) { for col in 0..<(5 * factor) {
            expected.append(Double(x[n, c, row / factor, col / factor]))
        } } } }
        expectClose(y, expected, relative: 0)
        let report = GradientCheck.check([x]) { $0[0].upsampledNearest(factor: factor) }
        #expect(report.maxRelativeError <= 1e-2, "\(report)")
    }

    @Test("clamped limits values; the gradient passes only inside the interval")
    func clamping() {
        let x = Tensor(shape: [5], scalars: [-2, -0.5, 0.25, 0.9, 3])
        #expect(x.clamped(low: -1, high: 1).scalars == [-1, -0.5, 0.25, 0.9, 1])
        let tape = Tape()
        let tracked = tape.variable(x)
        let gradient = tape.gradients(of: tracked.clamped(low: -1, high: 1).sum(), withRespectTo: [tracked])[0]
        #expect(gradient.scalars == [0, 1, 1, 1, 0])
    }

    @Test("l2Normalized divides by the norm along an axis (F.normalize)", arguments: [0, 1, 3])
    func l2Normalization(axis: Int) {
        var x = random([2, 3, 4, 5], seed: 10)
        let strides = [60, 20, 5, 1], extent = x.shape[axis]
        // One all-zero fibre along `axis` exercises the ε clamp (F.normalize returns zeros there).
        x.withUnsafeMutableBufferPointer { buffer in
            for k in 0..<extent { buffer[k * strides[axis]] = 0 }
        }
        let y = x.l2Normalized(axis: axis)
        let values = x.scalars.map(Double.init)
        var expected = [Double](repeating: 0, count: values.count)
        for index in 0..<values.count {
            let position = (index / strides[axis]) % extent
            let start = index - position * strides[axis]
            let fibre = (0..<extent).map { values[start + $0 * strides[axis]] }
            let norm = fibre.reduce(0.0) { $0 + $1 * $1 }
            expected[index] = values[index] / max(norm.squareRoot(), 1e-12)
        }
        expectClose(y, expected)
        // Mixed signs with |x| ≥ 1.5, so no norm is small enough to make central differences inaccurate.
        let signed = random([2, 3, 4, 5], seed: 11)
        let report = GradientCheck.check([signed + signed.sign() * 1.5]) { $0[0].l2Normalized(axis: axis) }
        #expect(report.maxRelativeError <= 1e-2, "\(report)")
    }
}
