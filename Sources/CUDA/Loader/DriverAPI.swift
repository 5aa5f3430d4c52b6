/// The CUDA driver API functions the backend calls (cuda.h), resolved from `libcuda.so.1`.
///
/// Handles (`CUcontext`, `CUstream`, `CUmodule`, `CUfunction`) are opaque pointers; device
/// addresses (`CUdeviceptr`) are 64-bit integers. Every call returns a `CUresult`, checked by
/// ``check(_:_:)``, which names the call and the result (`cuGetErrorName`).
struct DriverAPI: @unchecked Sendable {
    typealias Result = Int32
    typealias Handle = OpaquePointer

    let library: DynamicLibrary
    let cuInit: @convention(c) (UInt32) -> Result
    let cuDriverGetVersion: @convention(c) (UnsafeMutablePointer<Int32>) -> Result
    let cuGetErrorName: @convention(c) (Result, UnsafeMutablePointer<UnsafePointer<CChar>?>) -> Result
    let cuDeviceGetCount: @convention(c) (UnsafeMutablePointer<Int32>) -> Result
    let cuDeviceGet: @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Result
    let cuDeviceGetName: @convention(c) (UnsafeMutablePointer<CChar>, Int32, Int32) -> Result
    let cuDeviceTotalMem: @convention(c) (UnsafeMutablePointer<Int>, Int32) -> Result
    let cuDeviceGetAttribute: @convention(c) (UnsafeMutablePointer<Int32>, Int32, Int32) -> Result
    let cuDevicePrimaryCtxRetain: @convention(c) (UnsafeMutablePointer<Handle?>, Int32) -> Result
    let cuCtxSetCurrent: @convention(c) (Handle?) -> Result
    let cuStreamCreate: @convention(c) (UnsafeMutablePointer<Handle?>, UInt32) -> Result
    let cuStreamSynchronize: @convention(c) (Handle?) -> Result
    let cuMemAlloc: @convention(c) (UnsafeMutablePointer<UInt64>, Int) -> Result
    let cuMemFree: @convention(c) (UInt64) -> Result
    let cuMemGetInfo: @convention(c) (UnsafeMutablePointer<Int>, UnsafeMutablePointer<Int>) -> Result
    let cuMemcpyHtoD: @convention(c) (UInt64, UnsafeRawPointer, Int) -> Result
    let cuMemcpyDtoH: @convention(c) (UnsafeMutableRawPointer, UInt64, Int) -> Result
    let cuMemcpyDtoD: @convention(c) (UInt64, UInt64, Int) -> Result
    let cuMemsetD8: @convention(c) (UInt64, UInt8, Int) -> Result
    let cuModuleLoadData: @convention(c) (UnsafeMutablePointer<Handle?>, UnsafeRawPointer) -> Result
    let cuModuleGetFunction: @convention(c) (UnsafeMutablePointer<Handle?>, Handle?, UnsafePointer<CChar>) -> Result
    let cuFuncSetAttribute: @convention(c) (Handle?, Int32, Int32) -> Result
    let cuLaunchKernel: @convention(c) (
        Handle?, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, Handle?,
        UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?
    ) -> Result

    /// `CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR` / `_MINOR`, `_MULTIPROCESSOR_COUNT`.
    static let computeCapabilityMajor: Int32 = 75, computeCapabilityMinor: Int32 = 76, multiprocessorCount: Int32 = 16
    /// `CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES`.
    static let maxDynamicSharedBytes: Int32 = 8

    /// Resolves every function (the `_v2` entry points where cuda.h maps the name to them).
    init(_ library: DynamicLibrary) throws {
        self.library = library
        cuInit = try library.function("cuInit")
        cuDriverGetVersion = try library.function("cuDriverGetVersion")
        cuGetErrorName = try library.function("cuGetErrorName")
        cuDeviceGetCount = try library.function("cuDeviceGetCount")
        cuDeviceGet = try library.function("cuDeviceGet")
        cuDeviceGetName = try library.function("cuDeviceGetName")
        cuDeviceTotalMem = try library.function("cuDeviceTotalMem_v2")
        cuDeviceGetAttribute = try library.function("cuDeviceGetAttribute")
        cuDevicePrimaryCtxRetain = try library.function("cuDevicePrimaryCtxRetain")
        cuCtxSetCurrent = try library.function("cuCtxSetCurrent")
        cuStreamCreate = try library.function("cuStreamCreate")
        cuStreamSynchronize = try library.function("cuStreamSynchronize")
        cuMemAlloc = try library.function("cuMemAlloc_v2")
        cuMemFree = try library.function("cuMemFree_v2")
        cuMemGetInfo = try library.function("cuMemGetInfo_v2")
        cuMemcpyHtoD = try library.function("cuMemcpyHtoD_v2")
        cuMemcpyDtoH = try library.function("cuMemcpyDtoH_v2")
        cuMemcpyDtoD = try library.function("cuMemcpyDtoD_v2")
        cuMemsetD8 = try library.function("cuMemsetD8_v2")
        cuModuleLoadData = try library.function("cuModuleLoadData")
        cuModuleGetFunction = try library.function("cuModuleGetFunction")
        cuFuncSetAttribute = try library.function("cuFuncSetAttribute")
        cuLaunchKernel = try library.function("cuLaunchKernel")
    }

    /// Throws ``CUDAError/driver(call:code:name:)`` unless `result` is `CUDA_SUCCESS`.
    func check(_ result: Result, _ call: String) throws {
        guard result != 0 else { return }
        var name: UnsafePointer<CChar>?
        let described = cuGetErrorName(result, &name) == 0 ? name.map { String(cString: $0) } : nil
        throw CUDAError.driver(call: call, code: result, name: described ?? "CUresult \(result)")
    }
}
