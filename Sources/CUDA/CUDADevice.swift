import Foundation

/// One NVIDIA GPU, opened through the driver API at run time: its primary context, one stream
/// every operation is queued on in order, a caching allocator, cuBLAS and the backend's kernels
/// (compiled by NVRTC on first use, once per process).
///
/// Opening needs `libcuda.so.1` (the driver), NVRTC and cuBLAS (from a CUDA toolkit or PyTorch's
/// pip wheels, see ``LibrarySearch``); nothing is linked at build time, so a build without CUDA is
/// unchanged and ``open(ordinal:)`` throws a one-line ``CUDAError`` instead.
///
/// Work is asynchronous on the stream; copies to the host (``download(_:)``) and ``synchronize()``
/// wait for it. The type is thread-safe to share, but calls from several threads interleave on the
/// one stream.
public final class CUDADevice: @unchecked Sendable {
    /// Name, compute capability and memory of the GPU.
    public let properties: CUDADeviceProperties
    /// Device memory: cached blocks, statistics, ``CachingAllocator/emptyCache()``.
    public let allocator: CachingAllocator
    let driver: DriverAPI
    let nvrtc: NVRTC
    let cublas: CUBLAS
    let stream: OpaquePointer?
    let cublasHandle: OpaquePointer?
    private let context: OpaquePointer?
    private let kernelLock = NSLock()
    private var compiledKernels: KernelModule?

    /// Loads the libraries, initialises the driver and makes device `ordinal`'s primary context
    /// current on the calling thread.
    /// - Throws: ``CUDAError`` naming the missing library, the failed call and its `CUresult`, or
    ///   ``CUDAError/noDevice``.
    public init(ordinal: Int = 0) throws {
        let driver = try CUDARuntime.driver()
        let (device, properties) = try CUDARuntime.device(ordinal, driver: driver)
        self.driver = driver
        self.properties = properties
        nvrtc = try NVRTC(DynamicLibrary.open(.nvrtc))
        cublas = try CUBLAS(DynamicLibrary.open(.cublas))
        var context: OpaquePointer?
        try driver.check(driver.cuDevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain")
        try driver.check(driver.cuCtxSetCurrent(context), "cuCtxSetCurrent")
        self.context = context
        var stream: OpaquePointer?
        try driver.check(driver.cuStreamCreate(&stream, 0), "cuStreamCreate")
        self.stream = stream
        var handle: OpaquePointer?
        try cublas.check(cublas.cublasCreate(&handle), "cublasCreate_v2")
        try cublas.check(cublas.cublasSetStream(handle, stream), "cublasSetStream_v2")
        cublasHandle = handle
        allocator = CachingAllocator(driver: driver)
    }

    /// Makes this device's context current on the calling thread (the driver keeps the current
    /// context per thread; operations from a new thread call this first).
    public func makeCurrent() throws {
        try driver.check(driver.cuCtxSetCurrent(context), "cuCtxSetCurrent")
    }

    /// Waits until every operation queued so far has finished; reports a kernel's failure.
    public func synchronize() throws {
        try driver.check(driver.cuStreamSynchronize(stream), "cuStreamSynchronize")
    }

    /// The loaded libraries and versions, for reports (`libnvrtc.so.13 (13.0)`).
    public var libraries: [String: String] {
        [
            "driver": driver.library.path,
            "nvrtc": "\(nvrtc.library.path) (\(nvrtc.version))",
            "cublas": "\(cublas.library.path) (\(cublasVersion))",
        ]
    }

    private var cublasVersion: String {
        var version: Int32 = 0
        return cublas.cublasGetVersion(cublasHandle, &version) == 0 ? "\(version)" : "unknown"
    }

    /// The backend's kernels, compiled for this device on first use.
    func kernels() throws -> KernelModule {
        kernelLock.lock()
        defer { kernelLock.unlock() }
        if let compiledKernels { return compiledKernels }
        let module = try KernelModule(device: self)
        compiledKernels = module
        return module
    }
}
