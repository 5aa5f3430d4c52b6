/// The backend's kernels (``KernelSource``), compiled by NVRTC for the device's architecture and
/// loaded as one module; functions are looked up once, by name.
final class KernelModule: @unchecked Sendable {
    /// The device that owns this module (unowned: the device keeps the module, not the reverse).
    private unowned let device: CUDADevice
    private let functions: [String: OpaquePointer]

    /// Compiles and loads the module (about a second, once per process and device).
    init(device: CUDADevice) throws {
        self.device = device
        let cubin = try device.nvrtc.compile(KernelSource.source, name: "mokus_kernels.cu", computeCapability: device.properties.computeCapability)
        let driver = device.driver
        var module: OpaquePointer?
        try cubin.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { throw CUDAError.compilation(call: "nvrtcGetCUBIN", message: "empty cubin") }
            try driver.check(driver.cuModuleLoadData(&module, base), "cuModuleLoadData")
        }
        var functions: [String: OpaquePointer] = [:]
        for name in KernelSource.names {
            var function: OpaquePointer?
            try driver.check(driver.cuModuleGetFunction(&function, module, name), "cuModuleGetFunction(\(name))")
            functions[name] = function
        }
        self.functions = functions
    }

    /// Queues kernel `name` on the device's stream.
    func launch(_ name: String, grid: Int, block: Int, sharedBytes: Int = 0, _ arguments: [KernelArgument]) throws {
        guard let function = functions[name] else { preconditionFailure("KernelModule: no kernel \(name)") }
        let storage = UnsafeMutableRawPointer.allocate(byteCount: 8 * max(arguments.count, 1), alignment: 8)
        defer { storage.deallocate() }
        var pointers: [UnsafeMutableRawPointer?] = []
        for (index, argument) in arguments.enumerated() {
            let slot = storage + 8 * index
            switch argument {
            case .address(let value): slot.storeBytes(of: value, as: UInt64.self)
            case .int32(let value): slot.storeBytes(of: value, as: Int32.self)
            case .int64(let value): slot.storeBytes(of: value, as: Int64.self)
            case .float(let value): slot.storeBytes(of: value, as: Float.self)
            }
            pointers.append(slot)
        }
        let driver = device.driver
        try driver.check(
            driver.cuLaunchKernel(function, UInt32(grid), 1, 1, UInt32(block), 1, 1, UInt32(sharedBytes), device.stream, &pointers, nil),
            "cuLaunchKernel(\(name))")
    }

    /// Blocks for a grid-stride kernel over `count` items: one per `block` items, at most 32 per SM.
    func gridFor(_ count: Int, block: Int = 256) -> Int {
        max(1, min((count + block - 1) / block, device.properties.multiprocessors * 32))
    }
}

/// One argument of a kernel launch, as the kernel's C parameter type.
enum KernelArgument {
    /// A device pointer (`float*`), or 0 for a null pointer.
    case address(UInt64)
    case int32(Int32)
    case int64(Int64)
    case float(Float)

    static func int(_ value: Int) -> KernelArgument { .int32(Int32(value)) }
}
