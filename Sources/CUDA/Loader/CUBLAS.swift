/// The cuBLAS functions the backend calls (cublas_api.h), resolved from `libcublas.so.N`.
///
/// cuBLAS is column-major; ``CUDADevice`` maps row-major products onto it (Cᵀ = Bᵀ·Aᵀ).
struct CUBLAS: @unchecked Sendable {
    typealias Status = Int32
    typealias Handle = OpaquePointer

    /// `cudaDataType_t` values (library_types.h).
    enum DataType: Int32 {
        case float32 = 0, float16 = 2, bfloat16 = 14
    }

    /// `CUBLAS_COMPUTE_32F`: Float32 accumulation (tensor cores for bf16/f16 inputs; plain
    /// Float32 FMA for Float32 inputs, no TF32 rounding).
    static let compute32F: Int32 = 68
    /// `CUBLAS_GEMM_DEFAULT`: let cuBLAS pick the algorithm.
    static let defaultAlgorithm: Int32 = -1

    let library: DynamicLibrary
    let cublasCreate: @convention(c) (UnsafeMutablePointer<Handle?>) -> Status
    let cublasSetStream: @convention(c) (Handle?, OpaquePointer?) -> Status
    let cublasGetVersion: @convention(c) (Handle?, UnsafeMutablePointer<Int32>) -> Status
    let cublasGemmEx: @convention(c) (
        Handle?, Int32, Int32, Int32, Int32, Int32, UnsafeRawPointer, UInt64, Int32, Int32, UInt64, Int32, Int32,
        UnsafeRawPointer, UInt64, Int32, Int32, Int32, Int32
    ) -> Status
    let cublasGemmStridedBatchedEx: @convention(c) (
        Handle?, Int32, Int32, Int32, Int32, Int32, UnsafeRawPointer, UInt64, Int32, Int32, Int64, UInt64, Int32, Int32, Int64,
        UnsafeRawPointer, UInt64, Int32, Int32, Int64, Int32, Int32, Int32
    ) -> Status

    init(_ library: DynamicLibrary) throws {
        self.library = library
        cublasCreate = try library.function("cublasCreate_v2")
        cublasSetStream = try library.function("cublasSetStream_v2")
        cublasGetVersion = try library.function("cublasGetVersion_v2")
        cublasGemmEx = try library.function("cublasGemmEx")
        cublasGemmStridedBatchedEx = try library.function("cublasGemmStridedBatchedEx")
    }

    /// Throws ``CUDAError/cublas(call:status:)`` unless `status` is `CUBLAS_STATUS_SUCCESS`.
    func check(_ status: Status, _ call: String) throws {
        guard status == 0 else { throw CUDAError.cublas(call: call, status: status) }
    }
}
