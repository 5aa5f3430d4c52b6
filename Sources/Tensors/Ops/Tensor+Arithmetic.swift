import Foundation

// Element-wise arithmetic with NumPy broadcasting. Gradients of a broadcast operand are summed
// back to its own shape (``Tensor/sum(toShape:)``).

private struct Add: BinaryKernel { @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a + b } }
private struct Subtract: BinaryKernel { @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a - b } }
private struct Multiply: BinaryKernel { @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a * b } }
private struct Divide: BinaryKernel { @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a / b } }
private struct Power: BinaryKernel { @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { Foundation.pow(a, b) } }

extension Tensor {
    /// a + b.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let (shapeA, shapeB) = (a.shape, b.shape)
        return recorded(Dispatch.elementwise(.add, a, b) ?? Elementwise.broadcast(a, b, Add(), operation: "add"), inputs: [a, b]) { g, needs in
            [needs[0] ? g.sum(toShape: shapeA) : nil, needs[1] ? g.sum(toShape: shapeB) : nil]
        }
    }

    /// a − b.
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let (shapeA, shapeB) = (a.shape, b.shape)
        return recorded(Dispatch.elementwise(.subtract, a, b) ?? Elementwise.broadcast(a, b, Subtract(), operation: "subtract"), inputs: [a, b]) { g, needs in
            [needs[0] ? g.sum(toShape: shapeA) : nil, needs[1] ? (-g).sum(toShape: shapeB) : nil]
        }
    }

    /// a ⊙ b (element-wise product).
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let (ca, cb) = (a.detached(), b.detached())
        return recorded(Dispatch.elementwise(.multiply, a, b) ?? Elementwise.broadcast(a, b, Multiply(), operation: "multiply"), inputs: [a, b]) { g, needs in
            [needs[0] ? (g * cb).sum(toShape: ca.shape) : nil, needs[1] ? (g * ca).sum(toShape: cb.shape) : nil]
        }
    }

    /// a ⊘ b (element-wise quotient).
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let (ca, cb) = (a.detached(), b.detached())
        let out = Dispatch.elementwise(.divide, a, b) ?? Elementwise.broadcast(a, b, Divide(), operation: "divide")
        return recorded(out, inputs: [a, b]) { g, needs in
            let ga = g / cb
            return [needs[0] ? ga.sum(toShape: ca.shape) : nil, needs[1] ? (-ga * out).sum(toShape: cb.shape) : nil]
        }
    }

    /// −x.
    public static prefix func - (x: Tensor) -> Tensor { x * -1 }

    /// Element-wise aᵇ (Foundation `pow`). ∂/∂a = b·aᵇ⁻¹, ∂/∂b = aᵇ·ln a.
    public static func pow(_ a: Tensor, _ b: Tensor) -> Tensor {
        let (ca, cb) = (a.detached(), b.detached())
        let out = Elementwise.broadcast(a, b, Power(), operation: "pow")
        return recorded(out, inputs: [a, b]) { g, needs in
            [needs[0] ? (g * cb * Tensor.pow(ca, cb - 1)).sum(toShape: ca.shape) : nil,
             needs[1] ? (g * out * ca.log()).sum(toShape: cb.shape) : nil]
        }
    }
}

// MARK: - Scalar operands

private struct AddScalar: UnaryKernel { let s: Float; @inline(__always) func callAsFunction(_ x: Float) -> Float { x + s } }
private struct MultiplyScalar: UnaryKernel { let s: Float; @inline(__always) func callAsFunction(_ x: Float) -> Float { x * s } }
private struct ScalarMinus: UnaryKernel { let s: Float; @inline(__always) func callAsFunction(_ x: Float) -> Float { s - x } }
private struct ScalarOver: UnaryKernel { let s: Float; @inline(__always) func callAsFunction(_ x: Float) -> Float { s / x } }

extension Tensor {
    /// x + s.
    public static func + (x: Tensor, s: Float) -> Tensor {
        recorded(Dispatch.elementwise(.addScalar(s), x) ?? Elementwise.map(x, AddScalar(s: s)), inputs: [x]) { g, _ in [g] }
    }
    /// s + x.
    public static func + (s: Float, x: Tensor) -> Tensor { x + s }
    /// x − s.
    public static func - (x: Tensor, s: Float) -> Tensor { x + (-s) }
    /// s − x.
    public static func - (s: Float, x: Tensor) -> Tensor {
        recorded(Elementwise.map(x, ScalarMinus(s: s)), inputs: [x]) { g, _ in [-g] }
    }
    /// x · s.
    public static func * (x: Tensor, s: Float) -> Tensor {
        recorded(Dispatch.elementwise(.scale(s), x) ?? Elementwise.map(x, MultiplyScalar(s: s)), inputs: [x]) { g, _ in [g * s] }
    }
    /// s · x.
    public static func * (s: Float, x: Tensor) -> Tensor { x * s }
    /// x / s.
    public static func / (x: Tensor, s: Float) -> Tensor { x * (1 / s) }
    /// s / x. ∂/∂x = −s/x².
    public static func / (s: Float, x: Tensor) -> Tensor {
        let out = Elementwise.map(x, ScalarOver(s: s))
        let cx = x.detached()
        return recorded(out, inputs: [x]) { g, _ in [-(g * out) / cx] }
    }
}
