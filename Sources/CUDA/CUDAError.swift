/// Why the CUDA backend could not load or a GPU call failed, in one line naming the library or
/// call and, for driver calls, the `CUresult` name (`CUDA_ERROR_OUT_OF_MEMORY`).
public enum CUDAError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No file of the library was found: `library` is its short name (`libnvrtc`), `tried` the
    /// file names looked for and `directories` how many folders were searched.
    case libraryNotFound(library: String, tried: [String], directories: Int)
    /// The library loaded but lacks a function the backend needs (too old a version).
    case symbolMissing(library: String, symbol: String)
    /// A driver API call returned an error.
    case driver(call: String, code: Int32, name: String)
    /// The driver works but reports no CUDA device.
    case noDevice
    /// NVRTC failed; `log` is the compiler's log (its first line), or the error string.
    case compilation(call: String, message: String)
    /// A cuBLAS call returned a status other than `CUBLAS_STATUS_SUCCESS`.
    case cublas(call: String, status: Int32)
    /// An operation got a tensor of a storage type it does not take.
    case unsupportedDType(operation: String, expected: String, found: String)

    public var description: String {
        switch self {
        case let .libraryNotFound(library, tried, directories):
            "CUDA: \(library) not found (looked for \(tried.joined(separator: ", ")) in \(directories) folders and the loader's "
                + "default paths; set MOKUS_CUDA_LIBRARY_PATH to the folder that holds it)"
        case let .symbolMissing(library, symbol):
            "CUDA: \(library) has no function \(symbol) (a newer version is needed)"
        case let .driver(call, code, name):
            "CUDA: \(call) failed with \(name) (\(code))"
        case .noDevice:
            "CUDA: the driver reports no CUDA device"
        case let .compilation(call, message):
            "CUDA: \(call) failed: \(message)"
        case let .cublas(call, status):
            "CUDA: \(call) failed with \(CUBLASStatus.name(status)) (\(status))"
        case let .unsupportedDType(operation, expected, found):
            "CUDA: \(operation) takes \(expected) tensors, found \(found)"
        }
    }
}

/// Names of `cublasStatus_t` values (cublas_api.h).
enum CUBLASStatus {
    static func name(_ status: Int32) -> String {
        switch status {
        case 0: "CUBLAS_STATUS_SUCCESS"
        case 1: "CUBLAS_STATUS_NOT_INITIALIZED"
        case 3: "CUBLAS_STATUS_ALLOC_FAILED"
        case 7: "CUBLAS_STATUS_INVALID_VALUE"
        case 8: "CUBLAS_STATUS_ARCH_MISMATCH"
        case 11: "CUBLAS_STATUS_MAPPING_ERROR"
        case 13: "CUBLAS_STATUS_EXECUTION_FAILED"
        case 14: "CUBLAS_STATUS_INTERNAL_ERROR"
        case 15: "CUBLAS_STATUS_NOT_SUPPORTED"
        case 16: "CUBLAS_STATUS_LICENSE_ERROR"
        default: "cuBLAS status \(status)"
        }
    }
}
