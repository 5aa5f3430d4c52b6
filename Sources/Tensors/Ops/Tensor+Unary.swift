import Foundation

// Element-wise functions. Each kernel pair is (value, gradient rule); the gradient rule reads the
// saved input x or output y, whichever is cheaper, as noted.

private struct Exp: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { FastMath.exp(x) } }
private struct Log: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { Foundation.log(x) } }
private struct Sqrt: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { x.squareRoot() } }
private struct Rsqrt: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { 1 / x.squareRoot() } }
private struct Abs: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { Swift.abs(x) } }
private struct Tanh: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { FastMath.tanh(x) } }
private struct Sigmoid: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { FastMath.sigmoid(x) } }
private struct SiLU: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { x * FastMath.sigmoid(x) } }
private struct Sine: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { Foundation.sin(x) } }
private struct Cosine: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { Foundation.cos(x) } }
private struct Sign: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { x > 0 ? 1 : (x < 0 ? -1 : 0) } }
private struct ReLU: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { x > 0 ? x : 0 } }
private struct PowScalar: UnaryKernel { let p: Float; @inline(__always) func callAsFunction(_ x: Float) -> Float { Foundation.pow(x, p) } }
/// GELU, tanh form: ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
private struct GELU: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Float) -> Float {
        0.5 * x * (1 + FastMath.tanh(FastMath.geluScale * (x + 0.044_715 * x * x * x)))
    }
}

// Gradient rules: (upstream g, saved value) → g · f′.
private struct TimesSaved: BinaryKernel { @inline(__always) func callAsFunction(_ g: Float, _ y: Float) -> Float { g * y } }
private struct OverSaved: BinaryKernel { @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float { g / x } }
private struct SqrtGradient: BinaryKernel { @inline(__always) func callAsFunction(_ g: Float, _ y: Float) -> Float { 0.5 * g / y } }
private struct RsqrtGradient: BinaryKernel { @inline(__always) func callAsFunction(_ g: Float, _ y: Float) -> Float { -0.5 * g * y * y * y } }
private struct AbsGradient: BinaryKernel {
    @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float { x > 0 ? g : (x < 0 ? -g : 0) }
}
private struct TanhGradient: BinaryKernel { @inline(__always) func callAsFunction(_ g: Float, _ y: Float) -> Float { g * (1 - y * y) } }
private struct SigmoidGradient: BinaryKernel { @inline(__always) func callAsFunction(_ g: Float, _ y: Float) -> Float { g * y * (1 - y) } }
/// d/dx x·σ(x) = σ(x)(1 + x(1 − σ(x))).
private struct SiLUGradient: BinaryKernel {
    @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float {
        let s = FastMath.sigmoid(x)
        return g * s * (1 + x * (1 - s))
    }
}
private struct SineGradient: BinaryKernel { @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float { g * Foundation.cos(x) } }
private struct CosineGradient: BinaryKernel { @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float { -g * Foundation.sin(x) } }
private struct ReLUGradient: BinaryKernel { @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float { x > 0 ? g : 0 } }
private struct PowScalarGradient: BinaryKernel {
    let p: Float
    @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float { g * p * Foundation.pow(x, p - 1) }
}
/// d/dx GELU = ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²), t = tanh(√(2/π)(x + 0.044715x³)).
private struct GELUGradient: BinaryKernel {
    @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float {
        let t = FastMath.tanh(FastMath.geluScale * (x + 0.044_715 * x * x * x))
        let inner = FastMath.geluScale * (1 + 3 * 0.044_715 * x * x)
        return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * inner)
    }
}

extension Tensor {
    /// Applies `f` (on the device as `device`, when given and the input lives there); the
    /// gradient is `rule(g, saved)` where `saved` is the input (`savesInput`) or the output.
    private func unary<F: UnaryKernel, G: BinaryKernel>(
        _ f: F, _ rule: G, savesInput: Bool, device: ElementwiseOperation? = nil
    ) -> Tensor {
        let out = device.flatMap { Dispatch.elementwise($0, self) } ?? Elementwise.map(self, f)
        let saved = savesInput ? detached() : out
        return Tensor.recorded(out, inputs: [self]) { g, _ in
            [Elementwise.zip(g, saved, shape: saved.shape, rule)]
        }
    }

    /// eˣ (see ``FastMath`` for the accuracy contract).
    public func exp() -> Tensor { unary(Exp(), TimesSaved(), savesInput: false, device: .exp) }
    /// Natural logarithm.
    public func log() -> Tensor { unary(Log(), OverSaved(), savesInput: true) }
    /// √x.
    public func sqrt() -> Tensor { unary(Sqrt(), SqrtGradient(), savesInput: false) }
    /// 1/√x.
    public func rsqrt() -> Tensor { unary(Rsqrt(), RsqrtGradient(), savesInput: false) }
    /// |x|; the gradient at 0 is 0.
    public func abs() -> Tensor { unary(Abs(), AbsGradient(), savesInput: true) }
    /// tanh x.
    public func tanh() -> Tensor { unary(Tanh(), TanhGradient(), savesInput: false, device: .tanh) }
    /// σ(x) = 1/(1 + e⁻ˣ).
    public func sigmoid() -> Tensor { unary(Sigmoid(), SigmoidGradient(), savesInput: false) }
    /// SiLU (swish): x·σ(x).
    public func silu() -> Tensor { unary(SiLU(), SiLUGradient(), savesInput: true, device: .silu) }
    /// GELU in its tanh form (PyTorch `gelu(approximate="tanh")`).
    public func gelu() -> Tensor { unary(GELU(), GELUGradient(), savesInput: true, device: .gelu) }
    /// max(x, 0); the gradient at 0 is 0.
    public func relu() -> Tensor { unary(ReLU(), ReLUGradient(), savesInput: true) }
    /// xᵖ for a constant exponent.
    public func pow(_ p: Float) -> Tensor { unary(PowScalar(p: p), PowScalarGradient(p: p), savesInput: true) }
    /// x².
    public func squared() -> Tensor { self * self }
    /// sin x (Foundation, correctly rounded to within libm's accuracy).
    public func sin() -> Tensor { unary(Sine(), SineGradient(), savesInput: true) }
    /// cos x.
    public func cos() -> Tensor { unary(Cosine(), CosineGradient(), savesInput: true) }
    /// −1, 0 or 1 by the sign of x; a constant (no gradient flows through it).
    public func sign() -> Tensor { Elementwise.map(self, Sign()) }
}
