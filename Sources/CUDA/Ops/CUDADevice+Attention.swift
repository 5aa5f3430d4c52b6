import Tensors

extension CUDADevice {
    /// softmax(q·kᵀ·scale + mask)·v, as ``Tensors/Tensor/scaledDotProductAttention(query:key:value:causal:keyPadding:scale:)``:
    /// two batched GEMMs around a masked-softmax kernel (the scores `[B, H, Lq, Lk]` are
    /// materialised in Float32).
    ///
    /// - Parameters:
    ///   - query: `[B, H, Lq, D]`; key `[B, Hkv, Lk, D]`; value `[B, Hkv, Lk, Dv]`, H a multiple
    ///     of Hkv (grouped-query attention: the H/Hkv query heads of a key head are contiguous,
    ///     so each (b, key head) pair is one GEMM of (H/Hkv)·Lq rows).
    ///   - keyPadding: `[B, Lk]` Float32, nonzero = attend.
    ///   - precision: `.float32` multiplies in Float32; `.bfloat16`/`.float16` cast q, k, v and the
    ///     probabilities to that type for tensor-core GEMMs with Float32 accumulation.
    /// - Returns: `[B, H, Lq, Dv]` Float32; a query row that sees no key gets zeros.
    public func attention(
        query: DeviceTensor, key: DeviceTensor, value: DeviceTensor, causal: Bool = false,
        keyPadding: DeviceTensor? = nil, scale: Float? = nil, precision: DType = .float32
    ) throws -> DeviceTensor {
        for tensor in [query, key, value] { try requireFloat32(tensor, "attention") }
        precondition(query.shape.count == 4 && key.shape.count == 4 && value.shape.count == 4,
                     "CUDA attention: query/key/value must be [B, H, L, D], got \(query.shape), \(key.shape), \(value.shape)")
        let (batch, heads, queries, width) = (query.shape[0], query.shape[1], query.shape[2], query.shape[3])
        let (keyHeads, keys, valueWidth) = (key.shape[1], key.shape[2], value.shape[3])
        precondition(key.shape[0] == batch && key.shape[3] == width && heads % max(keyHeads, 1) == 0
                     && value.shape[0] == batch && value.shape[1] == keyHeads && value.shape[2] == keys,
                     "CUDA attention: key \(key.shape) / value \(value.shape) do not fit query \(query.shape)")
        if let keyPadding { precondition(keyPadding.shape == [batch, keys], "CUDA attention: keyPadding \(keyPadding.shape), expected [\(batch), \(keys)]") }
        let group = heads / keyHeads, rows = group * queries
        let (q, k, v) = try (cast(query, to: precision), cast(key, to: precision), cast(value, to: precision))
        let scores = try empty([batch, heads, queries, keys])
        try gemm(GEMMShape(m: rows, n: keys, k: width, transposeB: true, batch: batch * keyHeads,
                           strideA: rows * width, strideB: keys * width, strideC: rows * keys),
                 alpha: scale ?? 1 / Float(width).squareRoot(), a: q.address, b: k.address, c: scores.address, inputType: precision)
        if let keyPadding { try requireFloat32(keyPadding, "attention key padding") }
        try kernels().launch("attention_softmax", grid: batch * heads * queries, block: 256, [
            .address(scores.address), .address(keyPadding?.address ?? 0), .int(heads), .int(queries), .int(keys), .int32(causal ? 1 : 0),
        ])
        let probabilities = try cast(scores, to: precision)
        let out = try empty([batch, heads, queries, valueWidth])
        try gemm(GEMMShape(m: rows, n: valueWidth, k: keys, batch: batch * keyHeads,
                           strideA: rows * keys, strideB: keys * valueWidth, strideC: rows * valueWidth),
                 a: probabilities.address, b: v.address, c: out.address, inputType: precision)
        return out
    }
}
