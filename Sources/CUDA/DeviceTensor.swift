import Tensors

/// A dense, contiguous, row-major tensor in GPU memory, stored as Float32, bfloat16 or float16.
///
/// The device counterpart of ``Tensors/Tensor``: a shape over a ``DeviceBuffer`` from the
/// device's caching allocator, freed (to the cache) with the last copy of the value. Compute
/// kernels take Float32; GEMMs also take bf16/f16 (tensor cores, Float32 accumulation).
/// ``CUDADevice/upload(_:as:)`` and ``CUDADevice/download(_:)`` move values to and from a `Tensor`.
public struct DeviceTensor: Sendable {
    public let shape: [Int]
    public let dtype: DType
    public let buffer: DeviceBuffer

    /// Number of elements.
    public var count: Int { shape.elementCount }
    /// The device address of the first element.
    public var address: UInt64 { buffer.address }
}

extension CUDADevice {
    /// An uninitialised tensor.
    public func empty(_ shape: [Int], dtype: DType = .float32) throws -> DeviceTensor {
        DeviceTensor(shape: shape, dtype: dtype, buffer: try allocator.allocate(shape.elementCount * dtype.byteSize))
    }

    /// A tensor of zeros.
    public func zeros(_ shape: [Int], dtype: DType = .float32) throws -> DeviceTensor {
        let tensor = try empty(shape, dtype: dtype)
        try driver.check(driver.cuMemsetD8(tensor.address, 0, tensor.count * dtype.byteSize), "cuMemsetD8_v2")
        return tensor
    }

    /// Copies `tensor` to the device, converted to `dtype` on the host (as ``DType/encode(_:count:into:)``).
    public func upload(_ tensor: Tensor, as dtype: DType = .float32) throws -> DeviceTensor {
        let device = try empty(tensor.shape, dtype: dtype)
        let bytes = tensor.count * dtype.byteSize
        try tensor.withUnsafeBufferPointer { values in
            guard let base = values.baseAddress, bytes > 0 else { return }
            if dtype == .float32 {
                try driver.check(driver.cuMemcpyHtoD(device.address, base, bytes), "cuMemcpyHtoD_v2")
            } else {
                let staging = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
                defer { staging.deallocate() }
                dtype.encode(base, count: tensor.count, into: staging)
                try driver.check(driver.cuMemcpyHtoD(device.address, staging, bytes), "cuMemcpyHtoD_v2")
            }
        }
        return device
    }

    /// Copies `tensor` to the host as a Float32 `Tensor`, after the work queued before it.
    public func download(_ tensor: DeviceTensor) throws -> Tensor {
        let bytes = tensor.count * tensor.dtype.byteSize
        let staging = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 1), alignment: 64)
        defer { staging.deallocate() }
        if bytes > 0 { try driver.check(driver.cuMemcpyDtoH(staging, tensor.address, bytes), "cuMemcpyDtoH_v2") }
        return Tensor(shape: tensor.shape) { values in
            guard let base = values.baseAddress else { return }
            tensor.dtype.decode(staging, count: tensor.count, into: base)
        }
    }

    /// The same values in another storage type, converted on the device (bf16: round to nearest
    /// even; f16: round to nearest), or `tensor` itself when it already has `dtype`.
    public func cast(_ tensor: DeviceTensor, to dtype: DType) throws -> DeviceTensor {
        if tensor.dtype == dtype { return tensor }
        let kernel: String
        switch (tensor.dtype, dtype) {
        case (.float32, .bfloat16): kernel = "cast_f32_bf16"
        case (.float32, .float16): kernel = "cast_f32_f16"
        case (.bfloat16, .float32): kernel = "cast_bf16_f32"
        case (.float16, .float32): kernel = "cast_f16_f32"
        default: return try cast(cast(tensor, to: .float32), to: dtype)
        }
        let out = try empty(tensor.shape, dtype: dtype)
        let kernels = try kernels()
        try kernels.launch(kernel, grid: kernels.gridFor(tensor.count), block: 256,
                           [.address(tensor.address), .address(out.address), .int64(Int64(tensor.count))])
        return out
    }

    /// Throws unless `tensor` is stored as Float32 (what the compute kernels take).
    func requireFloat32(_ tensor: DeviceTensor, _ operation: String) throws {
        guard tensor.dtype == .float32 else {
            throw CUDAError.unsupportedDType(operation: operation, expected: "F32", found: tensor.dtype.rawValue)
        }
    }
}
