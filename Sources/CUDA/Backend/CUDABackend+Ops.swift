import Tensors

// The op entry points of ``CUDABackend``: each maps a `Tensor` op onto the device kernels of
// Ops/CUDADevice+*.swift, or returns nil for a case they do not cover.

extension CUDABackend {
    public func elementwise(_ operation: ElementwiseOperation, _ a: Tensor, _ b: Tensor?) throws -> Tensor? {
        if let b {
            // Same shape, or b a trailing part of a (a bias or weight row); other broadcasts run on the host.
            guard b.rank <= a.rank, Array(a.shape.suffix(b.rank)) == b.shape else { return nil }
            let binary: CUDADevice.BinaryOperation
            switch operation {
            case .add: binary = .add
            case .subtract: binary = .subtract
            case .multiply: binary = .multiply
            case .divide: binary = .divide
            default: return nil
            }
            return result(try device.binary(binary, operand(a), operand(b)))
        }
        let unary: (CUDADevice.UnaryOperation, Float)? = switch operation {
        case .scale(let s): (.scale, s)
        case .addScalar(let s): (.addScalar, s)
        case .silu: (.silu, 0)
        case .gelu: (.geluTanh, 0)
        case .exp: (.exp, 0)
        case .tanh: (.tanh, 0)
        default: nil
        }
        guard let unary else { return nil }
        return result(try device.unary(unary.0, operand(a), parameter: unary.1))
    }

    public func rows(_ operation: RowOperation, _ x: Tensor, weight: Tensor?, bias: Tensor?) throws -> Tensor? {
        let (w, b) = (try weight.map(operand), try bias.map(operand))
        switch operation {
        case .rmsNorm(let epsilon): return result(try device.rmsNorm(operand(x), weight: w, epsilon: epsilon))
        case .layerNorm(let epsilon): return result(try device.layerNorm(operand(x), weight: w, bias: b, epsilon: epsilon))
        case .softmax: return result(try device.softmax(operand(x)))
        }
    }

    public func rotary(_ x: Tensor, cos: Tensor, sin: Tensor, layout: RotaryLayout, inverse: Bool) throws -> Tensor? {
        result(try device.rotary(operand(x), cos: operand(cos), sin: operand(sin), layout: layout, inverse: inverse))
    }

    public func gemm(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) throws -> Tensor? {
        result(try device.matmul(operand(a), operand(b), transposeA: transposeA, transposeB: transposeB))
    }

    public func gemm(_ x: Tensor, stored weight: StoredMatrix, transposed: Bool) throws -> Tensor? {
        let inner = x.shape.last ?? 1
        let rows = x.count / Swift.max(inner, 1)
        let activations = try device.cast(operand(x).reshaped([rows, inner]), to: weight.dtype)
        let product = try device.matmul(activations, storedWeight(weight), transposeB: transposed)
        return result(product, shape: Array(x.shape.dropLast()) + [product.shape[1]])
    }

    public func attention(query: Tensor, key: Tensor, value: Tensor, causal: Bool, keyPadding: Tensor?, scale: Float) throws -> Tensor? {
        result(try device.attention(query: operand(query), key: operand(key), value: operand(value), causal: causal,
                                    keyPadding: keyPadding.map(operand), scale: scale, precision: attentionPrecision))
    }

    public func permute(_ x: Tensor, axes: [Int]) throws -> Tensor? {
        guard axes.count <= 6 else { return nil }
        return result(try device.permute(operand(x), axes: axes))
    }

    public func gatherRows(_ x: Tensor, _ indices: [Int]) throws -> Tensor? {
        result(try device.gatherRows(operand(x), indices))
    }

    public func addBlock(into target: Tensor, _ block: Tensor, axis: Int, at start: Int) throws -> Bool {
        try device.addBlock(into: operand(target), operand(block), axis: axis, at: start)
        return true
    }
}
