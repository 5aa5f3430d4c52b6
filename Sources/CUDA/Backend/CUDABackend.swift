import Foundation
import Tensors

/// The ``Tensors/TensorBackend`` of one GPU: `Tensor`'s ops run on a ``CUDADevice`` when their
/// operands live there (installed by `mokus --device cuda`, see docs/cuda.md).
///
/// Values are Float32 on the device. Stored bf16/f16 weights (``Tensors/StoredMatrix``) are
/// uploaded once per process in their own type and multiplied on tensor cores with the
/// activations cast to that type (Float32 accumulation), as PyTorch's autocast does; memory-mapped
/// Float32 weights are uploaded once too (``Tensors/Tensor/deviceAllocation(on:)``). Cases the
/// kernels do not cover return nil, and the op runs on the CPU over host mirrors.
public final class CUDABackend: TensorBackend, @unchecked Sendable {
    public let device: CUDADevice
    /// The type of attention's two products: `.float32` (the default, CPU parity within
    /// 5·10⁻⁵) or `.bfloat16` (tensor cores, ~3·10⁻²).
    public let attentionPrecision: DType
    private let weightLock = NSLock()
    /// Uploaded stored weights by host address; each entry keeps its mapping alive.
    private var storedWeights: [Int: (owner: AnyObject, tensor: DeviceTensor)] = [:]

    public init(device: CUDADevice, attentionPrecision: DType = .float32) {
        self.device = device
        self.attentionPrecision = attentionPrecision
    }

    public var name: String { "cuda:\(device.properties.ordinal)" }

    public func upload(_ values: UnsafeBufferPointer<Float>) throws -> any DeviceAllocation {
        try device.makeCurrent()
        let buffer = try device.allocator.allocate(Swift.max(values.count, 1) * 4)
        if let base = values.baseAddress, !values.isEmpty {
            try device.driver.check(device.driver.cuMemcpyHtoD(buffer.address, base, values.count * 4), "cuMemcpyHtoD_v2")
        }
        return CUDAAllocation(buffer: buffer)
    }

    public func download(_ allocation: any DeviceAllocation, into values: UnsafeMutableBufferPointer<Float>) throws {
        guard let base = values.baseAddress, !values.isEmpty else { return }
        try device.makeCurrent()
        try device.driver.check(device.driver.cuMemcpyDtoH(base, try buffer(allocation).address, values.count * 4), "cuMemcpyDtoH_v2")
    }

    /// `tensor` as a device tensor of this GPU (uploaded when it lives on the host). Makes the
    /// device's context current first: the driver keeps one per thread, and ops may come from
    /// any thread (every op reads its operands through here).
    func operand(_ tensor: Tensor) throws -> DeviceTensor {
        try device.makeCurrent()
        return DeviceTensor(shape: tensor.shape, dtype: .float32, buffer: try buffer(tensor.deviceAllocation(on: self)))
    }

    /// A device tensor's values as a `Tensor` on this backend.
    func result(_ tensor: DeviceTensor, shape: [Int]? = nil) -> Tensor {
        Tensor(shape: shape ?? tensor.shape, allocation: CUDAAllocation(buffer: tensor.buffer), backend: self)
    }

    private func buffer(_ allocation: any DeviceAllocation) throws -> DeviceBuffer {
        guard let allocation = allocation as? CUDAAllocation else {
            throw CUDAError.unsupportedDType(operation: "\(name) operand", expected: "a CUDA allocation", found: "\(type(of: allocation))")
        }
        return allocation.buffer
    }

    /// A stored weight on the device in its own type, uploaded on first use.
    func storedWeight(_ weight: StoredMatrix) throws -> DeviceTensor {
        let key = Int(bitPattern: weight.bytes)
        weightLock.lock()
        defer { weightLock.unlock() }
        if let entry = storedWeights[key] { return entry.tensor }
        let tensor = try device.empty([weight.rows, weight.columns], dtype: weight.dtype)
        let bytes = tensor.count * weight.dtype.byteSize
        if bytes > 0 { try device.driver.check(device.driver.cuMemcpyHtoD(tensor.address, weight.bytes, bytes), "cuMemcpyHtoD_v2") }
        storedWeights[key] = (weight.owner, tensor)
        return tensor
    }
}

/// A ``CUDABackend`` tensor's device memory.
final class CUDAAllocation: DeviceAllocation {
    let buffer: DeviceBuffer
    init(buffer: DeviceBuffer) { self.buffer = buffer }
}
