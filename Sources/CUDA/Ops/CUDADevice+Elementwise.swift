// Element-wise operations on Float32 device tensors, the GPU forms of Tensor's arithmetic and
// activations (Tensor+Arithmetic.swift, Tensor+Unary.swift).

extension CUDADevice {
    /// A binary operation of ``binary(_:_:_:)``, by the code `binary_f32` takes.
    public enum BinaryOperation: Int32, Sendable {
        case add = 0, subtract = 1, multiply = 2, divide = 3
    }

    /// An element-wise function of ``unary(_:_:parameter:)``, by the code `unary_f32` takes.
    public enum UnaryOperation: Int32, Sendable {
        /// x·s
        case scale = 0
        /// x + s
        case addScalar = 1
        /// x·σ(x)
        case silu = 2
        /// ½x(1 + tanh(√(2/π)(x + 0.044715x³))), PyTorch `gelu(approximate="tanh")`
        case geluTanh = 3
        case exp = 4
        case tanh = 5
    }

    /// `a (op) b` element by element. `b` has `a`'s shape, or the shape of `a`'s trailing axes
    /// (a bias or weight row), repeated over the leading ones.
    public func binary(_ operation: BinaryOperation, _ a: DeviceTensor, _ b: DeviceTensor) throws -> DeviceTensor {
        try requireFloat32(a, "binary \(operation)")
        try requireFloat32(b, "binary \(operation)")
        precondition(b.shape.count <= a.shape.count && Array(a.shape.suffix(b.shape.count)) == b.shape,
                     "CUDA binary \(operation): \(b.shape) is not \(a.shape) or a trailing part of it")
        let out = try empty(a.shape)
        let kernels = try kernels()
        try kernels.launch("binary_f32", grid: kernels.gridFor(a.count), block: 256, [
            .address(a.address), .address(b.address), .address(out.address), .int64(Int64(a.count)),
            .int64(Int64(max(b.count, 1))), .int32(operation.rawValue),
        ])
        return out
    }

    /// `f(x)` element by element; `parameter` is the `s` of ``UnaryOperation/scale`` and
    /// ``UnaryOperation/addScalar``.
    public func unary(_ operation: UnaryOperation, _ x: DeviceTensor, parameter: Float = 0) throws -> DeviceTensor {
        try requireFloat32(x, "unary \(operation)")
        let out = try empty(x.shape)
        let kernels = try kernels()
        try kernels.launch("unary_f32", grid: kernels.gridFor(x.count), block: 256, [
            .address(x.address), .address(out.address), .int64(Int64(x.count)), .int32(operation.rawValue), .float(parameter),
        ])
        return out
    }
}
