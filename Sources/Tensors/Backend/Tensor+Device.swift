// Where a tensor's values live, and moving them between the host and a ``TensorBackend``.

extension Tensor {
    /// Whether the values live on a device (see ``TensorBackend``).
    public var isOnDevice: Bool { storage.residence != nil }

    /// The backend holding the values; nil on the host.
    public var backend: (any TensorBackend)? { storage.residence?.backend }

    /// A tensor over `shape.elementCount` values in `allocation` on `backend` (how backends
    /// return their results).
    public init(shape: [Int], allocation: any DeviceAllocation, backend: any TensorBackend) {
        self.init(shape: shape, storage: TensorStorage(allocation: allocation, backend: backend, count: shape.elementCount))
    }

    /// This tensor's values as an allocation on `backend`: its own allocation when it already
    /// lives there, else an upload of its host values (a memory-mapped weight is uploaded once
    /// per process and kept; see ``TensorBackend``).
    public func deviceAllocation(on backend: any TensorBackend) throws -> any DeviceAllocation {
        if let residence = storage.residence, residence.backend === backend { return residence.allocation }
        if let owner = storage.owner { return try UploadCache.shared.allocation(storage, owner: owner, on: backend) }
        return try backend.upload(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    /// The same values on `backend` (`self` when already there); differentiable (the gradient
    /// passes through unchanged).
    public func moved(to backend: any TensorBackend) -> Tensor {
        if let residence = storage.residence, residence.backend === backend { return self }
        let allocation = Dispatch.run(backend, "upload") { try deviceAllocation(on: backend) }
        let moved = Tensor(shape: shape, allocation: allocation, backend: backend)
        return Tensor.recorded(moved, inputs: [self]) { g, _ in [g] }
    }

    /// The same values on ``Backend/current``, or `self` when no backend is installed (the CPU).
    public func onCurrentBackend() -> Tensor {
        guard let backend = Backend.current else { return self }
        return moved(to: backend)
    }

    /// The same values in host memory (`self` when already there); differentiable.
    public func toHost() -> Tensor {
        guard isOnDevice else { return self }
        let host = Tensor(shape: shape) { $0.baseAddress?.update(from: storage.pointer, count: count) }
        return Tensor.recorded(host, inputs: [self]) { g, _ in [g] }
    }
}

/// The branch at the top of each op with a device path: nil when every operand is on the host
/// (the CPU body runs, as before), else the backend's result, or nil when the backend does not
/// support the case (the CPU body runs over the operands' host mirrors).
enum Dispatch {
    /// The backend of the first device operand.
    @inline(__always)
    static func backend(_ a: Tensor, _ b: Tensor? = nil, _ c: Tensor? = nil) -> (any TensorBackend)? {
        a.storage.residence?.backend ?? b?.storage.residence?.backend ?? c?.storage.residence?.backend
    }

    /// Runs a backend call; a thrown error stops the process with one line (ops do not throw).
    static func run<R>(_ backend: any TensorBackend, _ operation: @autoclosure () -> String, _ body: () throws -> R) -> R {
        do {
            return try body()
        } catch {
            fatalError("\(backend.name): \(operation()) failed: \(error)")
        }
    }

    @inline(__always)
    static func elementwise(_ operation: ElementwiseOperation, _ a: Tensor, _ b: Tensor? = nil) -> Tensor? {
        guard let backend = backend(a, b) else { return nil }
        return run(backend, "\(operation)") { try backend.elementwise(operation, a, b) }
    }
}

extension Dispatch {
    @inline(__always)
    static func rows(_ operation: RowOperation, _ x: Tensor, weight: Tensor? = nil, bias: Tensor? = nil) -> Tensor? {
        guard let backend = backend(x, weight, bias) else { return nil }
        return run(backend, "\(operation)") { try backend.rows(operation, x, weight: weight, bias: bias) }
    }
}
