/// A read-only row-major matrix kept in its storage type (a memory-mapped bf16 or f16 checkpoint
/// weight), multiplied by converting a block of rows at a time into one reused Float32 buffer.
///
/// Converting a whole 7B-model weight per use (3584 × 18944 values: 271 MB of Float32) writes a
/// buffer larger than any cache that the product then reads back, and every such buffer is fresh
/// memory the kernel must zero. Row blocks of ``blockElements`` values are converted into the same
/// scratch buffer and multiplied while still in cache; no Float32 copy of the weight outlives the call.
public struct StoredMatrix: @unchecked Sendable {
    public let rows: Int
    public let columns: Int
    public let dtype: DType
    /// The `rows × columns` stored values, little-endian, no alignment required.
    public let bytes: UnsafeRawPointer
    /// Keeps `bytes` valid (the mapping).
    public let owner: AnyObject
    /// Values converted per block (at least one row).
    public var blockElements: Int

    /// - Precondition: `bytes` holds `rows · columns` values of `dtype` and stays valid while `owner` lives.
    public init(rows: Int, columns: Int, dtype: DType, bytes: UnsafeRawPointer, owner: AnyObject, blockElements: Int = 1 << 21) {
        self.rows = rows
        self.columns = columns
        self.dtype = dtype
        self.bytes = bytes
        self.owner = owner
        self.blockElements = blockElements
    }

    /// C ← A · Wᵀ (`transposed`, A is m × columns, C is m × rows) or C ← A · W (A is m × rows,
    /// C is m × columns), block by block: with Wᵀ each block of rows r₀..<r₁ writes columns
    /// r₀..<r₁ of C; with W each block adds A[:, r₀..<r₁] · W[r₀..<r₁, :] into C.
    /// - Complexity: 2·m·rows·columns flops; each stored value is converted once.
    func product(_ a: UnsafePointer<Float>, rowsOfA m: Int, transposed: Bool, into c: UnsafeMutablePointer<Float>) {
        let rowsPerBlock = max(1, min(rows, blockElements / max(1, columns)))
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: rowsPerBlock * columns)
        defer { scratch.deallocate() }
        let width = transposed ? rows : columns
        if !transposed && rows == 0 { c.update(repeating: 0, count: m * width) }
        var start = 0
        while start < rows {
            let count = min(rowsPerBlock, rows - start)
            dtype.decode(bytes + start * columns * dtype.byteSize, count: count * columns, into: scratch)
            if transposed {
                BLAS.gemm(transposeA: false, transposeB: true, m: m, n: count, k: columns,
                          a: a, lda: columns, b: scratch, ldb: columns, c: c + start, ldc: rows)
            } else {
                BLAS.gemm(transposeA: false, transposeB: false, m: m, n: columns, k: count,
                          a: a + start, lda: rows, b: scratch, ldb: columns, beta: start == 0 ? 0 : 1, c: c, ldc: columns)
            }
            start += count
        }
    }
}

extension Tensor {
    /// `self · Wᵀ` (`transposeWeight`, a Hugging Face `Linear` weight `[out, in]`) or `self · W`
    /// (`[in, out]`) for a ``StoredMatrix``, over the last axis of `self`; differentiable with
    /// respect to `self` (∂L/∂x = G · W, or G · Wᵀ, converted block by block again), no gradient
    /// to the weight. The tape keeps only the `StoredMatrix` (a pointer), never a Float32 copy.
    public func matmul(stored weight: StoredMatrix, transposeWeight: Bool) -> Tensor {
        let inner = shape[rank - 1]
        let outer = transposeWeight ? weight.rows : weight.columns
        precondition(inner == (transposeWeight ? weight.columns : weight.rows),
                     "matmul: inner extents differ: \(shape) · \(weight.rows)×\(weight.columns)\(transposeWeight ? "ᵀ" : "")")
        let out = Self.storedProduct(self, weight, transposed: transposeWeight, width: outer)
        return Tensor.recorded(out, inputs: [self]) { g, _ in
            [Self.storedProduct(g, weight, transposed: !transposeWeight, width: inner)]
        }
    }

    /// `x · op(W)` into a new `[..., width]` tensor.
    private static func storedProduct(_ x: Tensor, _ weight: StoredMatrix, transposed: Bool, width: Int) -> Tensor {
        if let backend = Dispatch.backend(x),
           let out = Dispatch.run(backend, "matmul(stored:)", { try backend.gemm(x, stored: weight, transposed: transposed) }) {
            return out
        }
        let m = x.count / Swift.max(1, x.shape[x.rank - 1])
        let out = TensorStorage(uninitializedCount: m * width)
        weight.product(x.storage.pointer, rowsOfA: m, transposed: transposed, into: out.pointer)
        return Tensor(shape: Array(x.shape.dropLast()) + [width], storage: out)
    }
}
