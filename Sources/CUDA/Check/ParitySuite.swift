import Tensors

/// Every GPU kernel against the CPU op it mirrors, on seeded random inputs: casts, element-wise
/// ops, RMSNorm, LayerNorm, softmax, RoPE (both layouts, per-sequence tables, inverse), GEMMs
/// (every transpose, batched, shared right operand; Float32 and bf16) and attention (causal,
/// grouped-query, key padding; Float32 and bf16).
public enum ParitySuite {
    /// Runs every comparison on `device`.
    /// - Throws: ``CUDAError`` when a GPU call fails (a parity failure is a result, not an error).
    public static func run(on device: CUDADevice) throws -> [ParityResult] {
        var random = RandomGenerator(seed: 19)
        var results: [ParityResult] = []
        let x = random.normal([3, 37, 129]), y = random.normal([3, 37, 129]), row = random.normal([129])
        func compare(_ name: String, _ tolerance: Float, cpu: Tensor, gpu: () throws -> DeviceTensor) throws {
            results.append(ParityResult(name: name, gpu: try device.download(gpu()), cpu: cpu, tolerance: tolerance))
        }
        let (dx, drow) = try (device.upload(x), device.upload(row))

        for dtype in [DType.bfloat16, .float16] {
            try compare("cast f32 → \(dtype.rawValue) → f32", ParityTolerance.exact, cpu: roundTrip(x, dtype)) {
                try device.cast(device.cast(dx, to: dtype), to: .float32)
            }
        }
        let binaries: [(CUDADevice.BinaryOperation, Tensor, Tensor, Tensor)] = [
            (.add, x + y, y, x), (.subtract, x - y, y, x), (.multiply, x * y, y, x), (.divide, x / (y.abs() + 1), y.abs() + 1, x),
            (.add, x + row, row, x), (.multiply, x * row, row, x),
        ]
        for (operation, expected, b, a) in binaries {
            try compare("\(operation) \(a.shape) \(b.shape)", ParityTolerance.float32, cpu: expected) {
                try device.binary(operation, device.upload(a), device.upload(b))
            }
        }
        let unaries: [(CUDADevice.UnaryOperation, Float, Tensor)] = [
            (.scale, 0.37, x * 0.37), (.addScalar, -1.5, x + -1.5), (.silu, 0, x.silu()), (.geluTanh, 0, x.gelu()),
            (.exp, 0, x.exp()), (.tanh, 0, x.tanh()),
        ]
        for (operation, parameter, expected) in unaries {
            try compare("\(operation)", ParityTolerance.float32, cpu: expected) { try device.unary(operation, dx, parameter: parameter) }
        }
        let bias = random.normal([129])
        try compare("rmsNorm [3, 37, 129]", ParityTolerance.float32, cpu: x.rmsNorm(weight: row, epsilon: 1e-6)) {
            try device.rmsNorm(dx, weight: drow, epsilon: 1e-6)
        }
        try compare("layerNorm affine", ParityTolerance.float32, cpu: x.layerNorm(weight: row, bias: bias, epsilon: 1e-5)) {
            try device.layerNorm(dx, weight: drow, bias: device.upload(bias), epsilon: 1e-5)
        }
        try compare("layerNorm plain, 4099 wide", ParityTolerance.float32, cpu: y.reshaped([9, 1591]).layerNorm(epsilon: 1e-6)) {
            try device.layerNorm(device.upload(y.reshaped([9, 1591])), weight: nil, bias: nil, epsilon: 1e-6)
        }
        try compare("softmax", ParityTolerance.float32, cpu: (x * 4).softmax()) { try device.softmax(device.upload(x * 4)) }
        results += try rotaryCases(device, &random)
        results += try matmulCases(device, &random)
        results += try attentionCases(device, &random)
        return results
    }

    /// `x` stored as `dtype` and read back, on the CPU.
    static func roundTrip(_ x: Tensor, _ dtype: DType) -> Tensor {
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: x.count * dtype.byteSize, alignment: 64)
        defer { bytes.deallocate() }
        x.withUnsafeBufferPointer { if let base = $0.baseAddress { dtype.encode(base, count: x.count, into: bytes) } }
        return Tensor(shape: x.shape) { if let base = $0.baseAddress { dtype.decode(bytes, count: x.count, into: base) } }
    }

    private static func rotaryCases(_ device: CUDADevice, _ random: inout RandomGenerator) throws -> [ParityResult] {
        let x = random.normal([2, 3, 11, 16])
        let angles = random.uniform([11, 8], low: -3, high: 3), perSequence = random.uniform([2, 11, 8], low: -3, high: 3)
        var results: [ParityResult] = []
        for layout in RotaryLayout.allCases {
            for table in [angles, perSequence] {
                let expected = x.applyingRotary(cos: table.cos(), sin: table.sin(), layout: layout)
                let gpu = try device.rotary(device.upload(x), cos: device.upload(table.cos()), sin: device.upload(table.sin()), layout: layout)
                results.append(ParityResult(name: "rotary \(layout) cos \(table.shape)", gpu: try device.download(gpu), cpu: expected,
                                            tolerance: ParityTolerance.float32))
                let back = try device.rotary(gpu, cos: device.upload(table.cos()), sin: device.upload(table.sin()), layout: layout, inverse: true)
                results.append(ParityResult(name: "rotary \(layout) inverse", gpu: try device.download(back), cpu: x,
                                            tolerance: ParityTolerance.float32))
            }
        }
        return results
    }

    private static func matmulCases(_ device: CUDADevice, _ random: inout RandomGenerator) throws -> [ParityResult] {
        var results: [ParityResult] = []
        let (m, n, k) = (67, 45, 129)
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = random.normal(transposeA ? [3, k, m] : [3, m, k])
            let b = random.normal(transposeB ? [n, k] : [k, n])
            let bBatched = random.normal(transposeB ? [3, n, k] : [3, k, n])
            for (right, label) in [(b, "shared"), (bBatched, "batched")] {
                let expected = a.matmul(right, transposeSelf: transposeA, transposeOther: transposeB)
                for dtype in [DType.float32, .bfloat16] {
                    let gpu = try device.matmul(device.upload(a, as: dtype), device.upload(right, as: dtype), transposeA: transposeA, transposeB: transposeB)
                    results.append(ParityResult(
                        name: "matmul \(dtype.rawValue) \(label) tA=\(transposeA) tB=\(transposeB)", gpu: try device.download(gpu), cpu: expected,
                        tolerance: dtype == .float32 ? ParityTolerance.float32GEMM : ParityTolerance.bfloat16GEMM))
                }
            }
        }
        return results
    }

    private static func attentionCases(_ device: CUDADevice, _ random: inout RandomGenerator) throws -> [ParityResult] {
        var results: [ParityResult] = []
        let q = random.normal([2, 6, 13, 32]), k = random.normal([2, 2, 17, 32]), v = random.normal([2, 2, 17, 24])
        var padding = Tensor.ones([2, 17])
        padding.withUnsafeMutableBufferPointer { for j in 0..<5 { $0[17 + j] = 0 } }
        for (causal, keyPadding) in [(false, nil), (true, nil), (false, padding), (true, padding)] as [(Bool, Tensor?)] {
            let expected = Tensor.scaledDotProductAttention(query: q, key: k, value: v, causal: causal, keyPadding: keyPadding)
            for precision in [DType.float32, .bfloat16] {
                let gpu = try device.attention(
                    query: device.upload(q), key: device.upload(k), value: device.upload(v), causal: causal,
                    keyPadding: keyPadding.map { try device.upload($0) }, precision: precision)
                results.append(ParityResult(
                    name: "attention \(precision.rawValue) causal=\(causal) padded=\(keyPadding != nil)", gpu: try device.download(gpu), cpu: expected,
                    tolerance: precision == .float32 ? ParityTolerance.float32Attention : ParityTolerance.bfloat16Attention))
            }
        }
        return results
    }
}
