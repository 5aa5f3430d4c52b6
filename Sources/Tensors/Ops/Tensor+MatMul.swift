// Matrix products through BLAS, with transposes passed as flags (no copies).

extension Tensor {
    /// op(self) · op(other), where op transposes the last two axes when asked.
    ///
    /// Shapes: `self` is `[..., m, k]` (`[..., k, m]` with `transposeSelf`), `other` is either a
    /// matrix `[k, n]` (`[n, k]` with `transposeOther`), applied to every leading index, or a
    /// batch with the same leading axes as `self`. A Hugging Face linear layer with weight
    /// `[out, in]` is `x.matmul(weight, transposeOther: true)`.
    /// - Complexity: 2·(batch)·m·n·k flops, one `sgemm` per batch element (one in total when
    ///   `other` is a matrix and `self` is not transposed).
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        precondition(rank >= 2 && other.rank >= 2, "matmul: needs rank ≥ 2, got \(shape) and \(other.shape)")
        if other.rank == 2 && rank > 2 {
            if !transposeSelf {
                let k = shape[rank - 1]
                let flat = reshaped([-1, k]).matmul(other, transposeOther: transposeOther)
                return flat.reshaped(Array(shape.dropLast()) + [flat.shape[1]])
            }
            return matmul(other.broadcasted(to: Array(shape.dropLast(2)) + other.shape),
                          transposeSelf: transposeSelf, transposeOther: transposeOther)
        }
        precondition(rank == other.rank && shape.dropLast(2) == other.shape.dropLast(2),
                     "matmul: batch axes of \(shape) and \(other.shape) differ")
        let out = Tensor.batchedProduct(self, other, transposeA: transposeSelf, transposeB: transposeOther)
        let (a, b) = (detached(), other.detached())
        return Tensor.recorded(out, inputs: [self, other]) { g, needs in
            [needs[0] ? Tensor.leftGradient(g, b, transposeA: transposeSelf, transposeB: transposeOther) : nil,
             needs[1] ? Tensor.rightGradient(g, a, transposeA: transposeSelf, transposeB: transposeOther) : nil]
        }
    }

    /// ∂L/∂A for C = op(A)·op(B), given G = ∂L/∂C.
    private static func leftGradient(_ g: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) -> Tensor {
        switch (transposeA, transposeB) {
        case (false, false): g.matmul(b, transposeOther: true)                    // G Bᵀ
        case (false, true): g.matmul(b)                                           // G B
        case (true, false): b.matmul(g, transposeOther: true)                     // B Gᵀ
        case (true, true): b.matmul(g, transposeSelf: true, transposeOther: true) // Bᵀ Gᵀ
        }
    }

    /// ∂L/∂B for C = op(A)·op(B), given G = ∂L/∂C.
    private static func rightGradient(_ g: Tensor, _ a: Tensor, transposeA: Bool, transposeB: Bool) -> Tensor {
        switch (transposeA, transposeB) {
        case (false, false): a.matmul(g, transposeSelf: true)                     // Aᵀ G
        case (false, true): g.matmul(a, transposeSelf: true)                      // Gᵀ A
        case (true, false): a.matmul(g)                                           // A G
        case (true, true): g.matmul(a, transposeSelf: true, transposeOther: true) // Gᵀ Aᵀ
        }
    }

    /// `self · op(W)` for a weight that is materialised on demand, once for the forward
    /// product and again for the backward one, instead of being kept alive by the tape.
    ///
    /// This is how large frozen weights (a memory-mapped bf16 checkpoint converted per use) take
    /// part in a differentiated pass: the tape holds only the closure, so a 7B model does not
    /// keep 28 GB of Float32 weights alive between forward and backward. No gradient flows to
    /// the weight itself.
    /// - Parameter transposeWeight: true for a Hugging Face `Linear` weight `[out, in]`
    ///   (`self · Wᵀ`), false for a GPT-2 `Conv1D` weight `[in, out]` (`self · W`).
    public func matmul(fetching weight: @escaping () -> Tensor, transposeWeight: Bool) -> Tensor {
        let out = detached().matmul(weight(), transposeOther: transposeWeight)
        return Tensor.recorded(out, inputs: [self]) { g, _ in
            [g.matmul(weight(), transposeOther: !transposeWeight)]
        }
    }

    /// One GEMM per batch element; both operands have the same leading axes.
    private static func batchedProduct(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) -> Tensor {
        let r = a.rank
        let (rowsA, colsA) = (a.shape[r - 2], a.shape[r - 1])
        let (rowsB, colsB) = (b.shape[r - 2], b.shape[r - 1])
        let (m, k) = transposeA ? (colsA, rowsA) : (rowsA, colsA)
        let (kB, n) = transposeB ? (colsB, rowsB) : (rowsB, colsB)
        precondition(k == kB, "matmul: inner extents differ: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")")
        if let backend = Dispatch.backend(a, b),
           let out = Dispatch.run(backend, "matmul", { try backend.gemm(a, b, transposeA: transposeA, transposeB: transposeB) }) {
            return out
        }
        let batch = a.shape.dropLast(2).reduce(1, *)
        let outShape = Array(a.shape.dropLast(2)) + [m, n]
        let out = TensorStorage(uninitializedCount: batch * m * n)
        for i in 0..<batch {
            BLAS.gemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                a: a.storage.pointer + i * rowsA * colsA, lda: colsA,
                b: b.storage.pointer + i * rowsB * colsB, ldb: colsB,
                c: out.pointer + i * m * n, ldc: n)
        }
        return Tensor(shape: outShape, storage: out)
    }
}
