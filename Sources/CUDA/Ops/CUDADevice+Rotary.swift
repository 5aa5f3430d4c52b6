import Tensors

extension CUDADevice {
    /// Rotary position embeddings on `x` (`[..., L, D]`), as ``Tensors/Tensor/applyingRotary(cos:sin:layout:)``:
    /// (a, b) ↦ (a·cos θ − b·sin θ, b·cos θ + a·sin θ) for the pairs of `layout`.
    ///
    /// - Parameters:
    ///   - cos, sin: `[L, D/2]`, or `[B, L, D/2]` per sequence when `x` is `[B, H, L, D]`.
    ///   - inverse: rotate by −θ (the backward pass of the rotation).
    public func rotary(_ x: DeviceTensor, cos: DeviceTensor, sin: DeviceTensor, layout: RotaryLayout, inverse: Bool = false) throws -> DeviceTensor {
        for tensor in [x, cos, sin] { try requireFloat32(tensor, "rotary") }
        precondition(x.shape.count >= 2, "CUDA rotary: input must be [..., L, D], got \(x.shape)")
        let length = x.shape[x.shape.count - 2], width = x.shape[x.shape.count - 1], half = width / 2
        let perSequence = cos.shape.count == 3
        precondition(width % 2 == 0 && cos.shape == sin.shape
                     && (cos.shape == [length, half] || (perSequence && x.shape.count == 4 && cos.shape == [x.shape[0], length, half])),
                     "CUDA rotary: cos/sin \(cos.shape) do not fit input \(x.shape)")
        let out = try empty(x.shape)
        let rows = x.count / max(width, 1)
        let blocks = rows / max(length, 1)
        let kernels = try kernels()
        try kernels.launch("rotary", grid: kernels.gridFor(rows * half), block: 256, [
            .address(x.address), .address(cos.address), .address(sin.address), .address(out.address), .int64(Int64(rows)),
            .int(length), .int(width), .int32(perSequence ? 1 : 0), .int64(Int64(perSequence ? blocks / x.shape[0] : blocks)),
            .int32(layout == .interleaved ? 1 : 0), .float(inverse ? -1 : 1),
        ])
        return out
    }
}
