import Foundation

/// Where a device-resident ``TensorStorage`` lives: the backend's allocation, and a host mirror
/// of its values filled on the first host read (``TensorStorage/pointer``) and marked stale when
/// the backend writes the allocation again (``TensorStorage/deviceDidWrite()``).
final class DeviceResidence: @unchecked Sendable {
    let allocation: any DeviceAllocation
    let backend: any TensorBackend
    private let count: Int
    private let lock = NSLock()
    private var mirror: UnsafeMutablePointer<Float>?
    private var mirrorIsCurrent = false

    init(allocation: any DeviceAllocation, backend: any TensorBackend, count: Int) {
        self.allocation = allocation
        self.backend = backend
        self.count = count
    }

    /// The host mirror, downloaded now unless it is current.
    func hostMirror() -> UnsafeMutablePointer<Float> {
        lock.lock()
        defer { lock.unlock() }
        let target = mirror ?? .allocate(capacity: Swift.max(count, 1))
        mirror = target
        if !mirrorIsCurrent {
            do {
                try backend.download(allocation, into: UnsafeMutableBufferPointer(start: target, count: count))
            } catch {
                fatalError("\(backend.name): reading a device tensor back to the host failed: \(error)")
            }
            mirrorIsCurrent = true
        }
        return target
    }

    /// Marks the mirror stale (the device values changed).
    func invalidate() {
        lock.lock()
        mirrorIsCurrent = false
        lock.unlock()
    }

    /// Whether the mirror holds the device values now (for tests and diagnostics).
    var isMirrorCurrent: Bool {
        lock.lock()
        defer { lock.unlock() }
        return mirrorIsCurrent
    }

    deinit { mirror?.deallocate() }
}
