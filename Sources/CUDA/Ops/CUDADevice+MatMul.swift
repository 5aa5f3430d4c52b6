import Tensors

extension CUDADevice {
    /// One row-major product C = op(A)·op(B) (or a batch of them at fixed strides) as cuBLAS's
    /// column-major GEMM sees it: Cᵀ = op(B)ᵀ·op(A)ᵀ, so B is cuBLAS's first operand.
    struct GEMMShape {
        var m: Int, n: Int, k: Int
        var transposeA = false, transposeB = false
        /// Batch count and element strides between consecutive matrices (0: shared).
        var batch = 1, strideA = 0, strideB = 0, strideC = 0
    }

    /// C (Float32, `[m, n]` per batch entry) = alpha·op(A)·op(B), A and B both Float32 (Float32
    /// FMA, no TF32) or both bf16/f16 (tensor cores, Float32 accumulation).
    func gemm(_ shape: GEMMShape, alpha: Float = 1, a: UInt64, b: UInt64, c: UInt64, inputType: DType) throws {
        let type: CUBLAS.DataType = switch inputType {
        case .float32: .float32
        case .bfloat16: .bfloat16
        case .float16: .float16
        }
        var alpha = alpha, beta: Float = 0
        let opA: Int32 = shape.transposeB ? 1 : 0, opB: Int32 = shape.transposeA ? 1 : 0
        let lda = Int32(shape.transposeB ? shape.k : shape.n), ldb = Int32(shape.transposeA ? shape.m : shape.k)
        let status = cublas.cublasGemmStridedBatchedEx(
            cublasHandle, opA, opB, Int32(shape.n), Int32(shape.m), Int32(shape.k), &alpha,
            b, type.rawValue, lda, Int64(shape.strideB), a, type.rawValue, ldb, Int64(shape.strideA), &beta,
            c, CUBLAS.DataType.float32.rawValue, Int32(shape.n), Int64(shape.strideC), Int32(shape.batch),
            CUBLAS.compute32F, CUBLAS.defaultAlgorithm)
        try cublas.check(status, "cublasGemmStridedBatchedEx(\(shape.m)×\(shape.n)×\(shape.k), batch \(shape.batch), \(inputType.rawValue))")
    }

    /// The matrix product of the last two axes, batched over the leading ones (which must agree,
    /// or `b` is a single matrix shared by every batch entry), as ``Tensors/Tensor/matmul(_:transposeSelf:transposeOther:)``.
    ///
    /// `a` and `b` share a storage type: Float32 (exact Float32 products) or bf16/f16 (tensor
    /// cores with Float32 accumulation). The result is Float32.
    public func matmul(_ a: DeviceTensor, _ b: DeviceTensor, transposeA: Bool = false, transposeB: Bool = false) throws -> DeviceTensor {
        guard a.dtype == b.dtype else {
            throw CUDAError.unsupportedDType(operation: "matmul", expected: "operands of one type", found: "\(a.dtype.rawValue) and \(b.dtype.rawValue)")
        }
        precondition(a.shape.count >= 2 && b.shape.count >= 2, "CUDA matmul: operands must be matrices, got \(a.shape) and \(b.shape)")
        let (ar, ac) = (a.shape[a.shape.count - 2], a.shape[a.shape.count - 1])
        let (br, bc) = (b.shape[b.shape.count - 2], b.shape[b.shape.count - 1])
        let (m, k) = transposeA ? (ac, ar) : (ar, ac)
        let (kb, n) = transposeB ? (bc, br) : (br, bc)
        let leading = Array(a.shape.dropLast(2))
        let sharedB = b.shape.count == 2
        precondition(k == kb && (sharedB || Array(b.shape.dropLast(2)) == leading),
                     "CUDA matmul: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "") do not fit")
        let out = try empty(leading + [m, n])
        let batch = leading.elementCount
        guard out.count > 0 else { return out }
        try gemm(GEMMShape(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, batch: batch,
                           strideA: m * k, strideB: sharedB ? 0 : k * n, strideC: m * n),
                 a: a.address, b: b.address, c: out.address, inputType: a.dtype)
        return out
    }
}
