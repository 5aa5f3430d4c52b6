import Foundation

/// The device selection: `nil` (the CPU, the default) unless the composition root installs a
/// ``TensorBackend`` for the process (`mokus --device cuda`) or code scopes one to a task with
/// ``withCurrent(_:_:)``. Library code never installs one; it only moves its inputs to
/// ``current`` with ``Tensor/onCurrentBackend()``, and every op follows its operands
/// (``Tensor/isOnDevice``).
public enum Backend {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var installed: (any TensorBackend)?
    @TaskLocal private static var scoped: (any TensorBackend)?

    /// The backend of the current task's ``withCurrent(_:_:)``, else the installed one, else nil (the CPU).
    public static var current: (any TensorBackend)? {
        if let scoped { return scoped }
        lock.lock()
        defer { lock.unlock() }
        return installed
    }

    /// Makes `backend` the process's device (nil: back to the CPU). Tensors already on a
    /// device stay there.
    public static func install(_ backend: (any TensorBackend)?) {
        lock.lock()
        defer { lock.unlock() }
        installed = backend
    }

    /// Runs `body` with `backend` as ``current`` for the current task only (other tasks and
    /// threads keep theirs).
    public static func withCurrent<R>(_ backend: any TensorBackend, _ body: () throws -> R) rethrows -> R {
        try $scoped.withValue(backend, operation: body)
    }
}

/// Uploads of host memory that cannot change — storage borrowed from a memory-mapped file (a
/// checkpoint's Float32 weights) — kept per backend and address, so each weight crosses to the
/// device once per process. An entry keeps the mapping and the backend alive, so neither its
/// address nor the backend's identity is ever reused while it exists.
final class UploadCache: @unchecked Sendable {
    static let shared = UploadCache()
    private struct Key: Hashable {
        let backend: ObjectIdentifier, address: Int, count: Int
    }
    private struct Entry {
        let owner: AnyObject, backend: any TensorBackend, allocation: any DeviceAllocation
    }
    private let lock = NSLock()
    private var entries: [Key: Entry] = [:]

    /// The cached allocation of borrowed `storage` (kept valid by `owner`) on `backend`, uploaded on first use.
    func allocation(_ storage: TensorStorage, owner: AnyObject, on backend: any TensorBackend) throws -> any DeviceAllocation {
        let pointer = storage.pointer
        let key = Key(backend: ObjectIdentifier(backend), address: Int(bitPattern: pointer), count: storage.count)
        lock.lock()
        defer { lock.unlock() }
        if let entry = entries[key] { return entry.allocation }
        let allocation = try backend.upload(UnsafeBufferPointer(start: pointer, count: storage.count))
        entries[key] = Entry(owner: owner, backend: backend, allocation: allocation)
        return allocation
    }
}
