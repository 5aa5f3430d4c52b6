// Scaled dot-product attention with per-head GEMMs.

extension Tensor {
    /// softmax(q·kᵀ·scale + mask)·v for every batch element and head.
    ///
    /// - Parameters:
    ///   - query: `[B, H, Lq, D]`.
    ///   - key: `[B, Hkv, Lk, D]`; `H` must be a multiple of `Hkv` (grouped-query attention: query
    ///     head h reads key/value head h / (H / Hkv)).
    ///   - value: `[B, Hkv, Lk, Dv]`.
    ///   - causal: query i sees keys j ≤ i (PyTorch `is_causal=True`, top-left aligned).
    ///   - keyPadding: `[B, Lk]`, nonzero = attend, zero = masked key (e.g. padding tokens).
    ///   - scale: defaults to 1/√D.
    /// - Returns: `[B, H, Lq, Dv]`. A query row that sees no key at all gets zeros (and zero
    ///   gradient) instead of PyTorch's NaN.
    /// - Complexity: 4·B·H·Lq·Lk·D flops forward in GEMMs (8 backward), B·H·Lq·Lk saved
    ///   probabilities.
    public static func scaledDotProductAttention(
        query: Tensor, key: Tensor, value: Tensor, causal: Bool = false,
        keyPadding: Tensor? = nil, scale: Float? = nil
    ) -> Tensor {
        let layout = AttentionLayout(query: query, key: key, value: value, keyPadding: keyPadding)
        let scale = scale ?? 1 / Float(layout.headWidth).squareRoot()
        let (q, k, v) = (query.detached(), key.detached(), value.detached())
        if let backend = Dispatch.backend(query, key, value), let result = Dispatch.run(backend, "attention", {
            try backend.attention(query: query, key: key, value: value, causal: causal, keyPadding: keyPadding, scale: scale)
        }) {
            // The backward pass runs on the host, recomputing the probabilities there.
            return recorded(result, inputs: [query, key, value]) { g, _ in
                let (_, probabilities) = layout.forward(q, k, v, causal: causal, keyPadding: keyPadding, scale: scale)
                return layout.backward(g, q: q, k: k, v: v, probabilities: probabilities, scale: scale)
            }
        }
        let (result, probabilities) = layout.forward(query, key, value, causal: causal, keyPadding: keyPadding, scale: scale)
        return recorded(result, inputs: [query, key, value]) { g, _ in
            layout.backward(g, q: q, k: k, v: v, probabilities: probabilities, scale: scale)
        }
    }
}

/// Extents and offsets of one attention call, and its kernels.
private struct AttentionLayout {
    let batch: Int, heads: Int, keyValueHeads: Int, queries: Int, keys: Int, headWidth: Int, valueWidth: Int

    init(query: Tensor, key: Tensor, value: Tensor, keyPadding: Tensor?) {
        precondition(query.rank == 4 && key.rank == 4 && value.rank == 4,
                     "attention: query/key/value must be [B, H, L, D], got \(query.shape), \(key.shape), \(value.shape)")
        (batch, heads, queries, headWidth) = (query.shape[0], query.shape[1], query.shape[2], query.shape[3])
        (keyValueHeads, keys, valueWidth) = (key.shape[1], key.shape[2], value.shape[3])
        precondition(key.shape[0] == batch && key.shape[3] == headWidth,
                     "attention: key \(key.shape) does not match query \(query.shape)")
        precondition(value.shape[0] == batch && value.shape[1] == keyValueHeads && value.shape[2] == keys,
                     "attention: value \(value.shape) does not match key \(key.shape)")
        precondition(keyValueHeads > 0 && heads % keyValueHeads == 0,
                     "attention: \(heads) query heads are not a multiple of \(keyValueHeads) key/value heads")
        if let keyPadding {
            precondition(keyPadding.shape == [batch, keys], "attention: keyPadding \(keyPadding.shape), expected [\(batch), \(keys)]")
        }
    }

    /// (batch, query head, key/value head) triples.
    var headPairs: [(Int, Int, Int)] {
        let group = heads / keyValueHeads
        return (0..<batch).flatMap { b in (0..<heads).map { h in (b, h, h / group) } }
    }

    func queryOffset(_ b: Int, _ h: Int) -> Int { (b * heads + h) * queries * headWidth }
    func keyOffset(_ b: Int, _ kvh: Int) -> Int { (b * keyValueHeads + kvh) * keys * headWidth }
    func valueOffset(_ b: Int, _ kvh: Int) -> Int { (b * keyValueHeads + kvh) * keys * valueWidth }
    func outputOffset(_ b: Int, _ h: Int) -> Int { (b * heads + h) * queries * valueWidth }
    func scoreOffset(_ b: Int, _ h: Int) -> Int { (b * heads + h) * queries * keys }

    /// The output `[B, H, Lq, Dv]` and the probabilities `[B, H, Lq, Lk]` (saved for the backward pass).
    func forward(_ query: Tensor, _ key: Tensor, _ value: Tensor, causal: Bool, keyPadding: Tensor?,
                 scale: Float) -> (Tensor, TensorStorage) {
        let probabilities = TensorStorage(uninitializedCount: batch * heads * queries * keys)
        let out = TensorStorage(uninitializedCount: batch * heads * queries * valueWidth)
        let mask = keepMask(causal: causal, keyPadding: keyPadding)
        withExtendedLifetime(mask) {
            for (b, h, kvh) in headPairs {
                let p = probabilities.pointer + scoreOffset(b, h)
                BLAS.gemm(transposeA: false, transposeB: true, m: queries, n: keys, k: headWidth,
                          alpha: scale, a: query.storage.pointer + queryOffset(b, h), lda: headWidth,
                          b: key.storage.pointer + keyOffset(b, kvh), ldb: headWidth,
                          c: p, ldc: keys)
                maskedSoftmax(p, keep: mask.map { UnsafePointer($0.storage.pointer) + b * queries * keys })
                BLAS.gemm(transposeA: false, transposeB: false, m: queries, n: valueWidth, k: keys,
                          a: p, lda: keys, b: value.storage.pointer + valueOffset(b, kvh), ldb: valueWidth,
                          c: out.pointer + outputOffset(b, h), ldc: valueWidth)
            }
        }
        return (Tensor(shape: [batch, heads, queries, valueWidth], storage: out), probabilities)
    }

    /// A `[B, Lq, Lk]` 0/1 mask of visible keys, or nil when every key is visible.
    func keepMask(causal: Bool, keyPadding: Tensor?) -> Tensor? {
        guard causal || keyPadding != nil else { return nil }
        let padding = keyPadding.map { UnsafePointer($0.storage.pointer) }
        return Tensor(shape: [batch, queries, keys]) { buffer in
            guard let base = buffer.baseAddress else { return }
            for b in 0..<batch {
                for i in 0..<queries {
                    let row = base + (b * queries + i) * keys
                    let visible = causal ? Swift.min(i + 1, keys) : keys
                    for j in 0..<keys { row[j] = j < visible ? 1 : 0 }
                    if let padding {
                        for j in 0..<keys where padding[b * keys + j] == 0 { row[j] = 0 }
                    }
                }
            }
        }
    }

    /// Row-wise softmax of the scores in place, masked keys excluded; empty rows become zeros.
    func maskedSoftmax(_ scores: UnsafeMutablePointer<Float>, keep: UnsafePointer<Float>?) {
        let width = keys
        Parallel.forEachRange(queries, costPerItem: width * 8) { range in
            for i in range {
                let row = scores + i * width
                if let keep {
                    let visible = keep + i * width
                    for j in 0..<width { row[j] = visible[j] != 0 ? row[j] : -.infinity }
                }
                let m = RowMath.maximum(row, width)
                if m == -.infinity {
                    row.update(repeating: 0, count: width)
                    continue
                }
                for j in 0..<width { row[j] = FastMath.exp(row[j] - m) }
                let inverse = 1 / RowMath.sum(row, width)
                for j in 0..<width { row[j] *= inverse }
            }
        }
    }

    /// Gradients of query, key and value:
    /// dP = dO·vᵀ, dV = Pᵀ·dO, dS = P ⊙ (dP − rowsum(dP ⊙ P)), dQ = scale·dS·k, dK = scale·dSᵀ·q.
    func backward(
        _ g: Tensor, q: Tensor, k: Tensor, v: Tensor, probabilities: TensorStorage, scale: Float
    ) -> [Tensor?] {
        var dq = Tensor.zeros(q.shape), dk = Tensor.zeros(k.shape), dv = Tensor.zeros(v.shape)
        dq.ensureUniqueStorage(); dk.ensureUniqueStorage(); dv.ensureUniqueStorage()
        let dScores = TensorStorage(uninitializedCount: queries * keys)
        for (b, h, kvh) in headPairs {
            let p = probabilities.pointer + scoreOffset(b, h), ds = dScores.pointer
            let gOut = g.storage.pointer + outputOffset(b, h)
            BLAS.gemm(transposeA: false, transposeB: true, m: queries, n: keys, k: valueWidth,
                      a: gOut, lda: valueWidth, b: v.storage.pointer + valueOffset(b, kvh), ldb: valueWidth,
                      c: ds, ldc: keys)
            BLAS.gemm(transposeA: true, transposeB: false, m: keys, n: valueWidth, k: queries,
                      a: p, lda: keys, b: gOut, ldb: valueWidth,
                      beta: 1, c: dv.storage.pointer + valueOffset(b, kvh), ldc: valueWidth)
            for i in 0..<queries {
                let pr = p + i * keys, dr = ds + i * keys
                let dot = RowMath.dot(pr, dr, keys)
                for j in 0..<keys { dr[j] = pr[j] * (dr[j] - dot) }
            }
            BLAS.gemm(transposeA: false, transposeB: false, m: queries, n: headWidth, k: keys, alpha: scale,
                      a: ds, lda: keys, b: k.storage.pointer + keyOffset(b, kvh), ldb: headWidth,
                      c: dq.storage.pointer + queryOffset(b, h), ldc: headWidth)
            BLAS.gemm(transposeA: true, transposeB: false, m: keys, n: headWidth, k: queries, alpha: scale,
                      a: ds, lda: keys, b: q.storage.pointer + queryOffset(b, h), ldb: headWidth,
                      beta: 1, c: dk.storage.pointer + keyOffset(b, kvh), ldc: headWidth)
        }
        return [dq, dk, dv]
    }
}
