// Row kernels over the last axis: RMSNorm, LayerNorm and softmax (the GPU forms of
// Tensor+Normalization.swift and Tensor+Softmax.swift), one thread block per row.

extension CUDADevice {
    /// Threads per row block: enough for a 4096-wide row in a few strides, no more than the row needs.
    private func rowBlock(_ width: Int) -> Int {
        min(1024, max(32, (width + 31) / 32 * 32))
    }

    /// RMSNorm over the last axis: y = x·(mean(x²) + ε)^{-½} ⊙ w (Hugging Face `Qwen2RMSNorm`).
    public func rmsNorm(_ x: DeviceTensor, weight: DeviceTensor?, epsilon: Float) throws -> DeviceTensor {
        try normalize(x, weight: weight, bias: nil, epsilon: epsilon, centered: false)
    }

    /// LayerNorm over the last axis: y = (x − μ)·(σ² + ε)^{-½} ⊙ w + b (biased σ², PyTorch `nn.LayerNorm`).
    public func layerNorm(_ x: DeviceTensor, weight: DeviceTensor?, bias: DeviceTensor?, epsilon: Float) throws -> DeviceTensor {
        try normalize(x, weight: weight, bias: bias, epsilon: epsilon, centered: true)
    }

    private func normalize(_ x: DeviceTensor, weight: DeviceTensor?, bias: DeviceTensor?, epsilon: Float, centered: Bool) throws -> DeviceTensor {
        let name = centered ? "layerNorm" : "rmsNorm"
        let width = x.shape.last ?? 1
        for parameter in [x, weight, bias].compactMap({ $0 }) { try requireFloat32(parameter, name) }
        for parameter in [weight, bias].compactMap({ $0 }) {
            precondition(parameter.shape == [width], "CUDA \(name): parameter \(parameter.shape), expected [\(width)]")
        }
        let out = try empty(x.shape)
        let rows = x.count / max(width, 1)
        guard rows > 0 else { return out }
        try kernels().launch("normalize_rows", grid: rows, block: rowBlock(width), [
            .address(x.address), .address(weight?.address ?? 0), .address(bias?.address ?? 0), .address(out.address),
            .int(width), .float(epsilon), .int32(centered ? 1 : 0),
        ])
        return out
    }

    /// softmax over the last axis.
    public func softmax(_ x: DeviceTensor) throws -> DeviceTensor {
        try requireFloat32(x, "softmax")
        let width = x.shape.last ?? 1
        let out = try empty(x.shape)
        let rows = x.count / max(width, 1)
        guard rows > 0 else { return out }
        try kernels().launch("softmax_rows", grid: rows, block: rowBlock(width), [.address(x.address), .address(out.address), .int(width)])
        return out
    }
}
