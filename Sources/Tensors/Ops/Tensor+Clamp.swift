// Clamping to an interval.

private struct Clamp: UnaryKernel {
    let low: Float, high: Float
    @inline(__always) func callAsFunction(_ x: Float) -> Float { Swift.min(Swift.max(x, low), high) }
}

/// g where low ≤ x ≤ high, 0 elsewhere (PyTorch's `clamp` gradient).
private struct ClampGradient: BinaryKernel {
    let low: Float, high: Float
    @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float { x >= low && x <= high ? g : 0 }
}

extension Tensor {
    /// min(max(x, low), high) element-wise (PyTorch `torch.clamp(x, low, high)`). The gradient
    /// passes where low ≤ x ≤ high and is zero elsewhere.
    public func clamped(low: Float, high: Float) -> Tensor {
        precondition(low <= high, "clamped: low \(low) exceeds high \(high)")
        let out = Elementwise.map(self, Clamp(low: low, high: high))
        let x = detached()
        return Tensor.recorded(out, inputs: [self]) { g, _ in
            [Elementwise.zip(g, x, shape: x.shape, ClampGradient(low: low, high: high))]
        }
    }
}
