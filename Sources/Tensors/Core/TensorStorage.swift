#if canImport(CMalloc)
import CMalloc
#endif
import Foundation

/// The buffer behind a ``Tensor``: `count` Float32 values, 64-byte aligned.
///
/// A storage either owns its memory (allocated here, freed in `deinit`), borrows it from an
/// `owner` that keeps it alive, such as a memory-mapped safetensors file, or lives on a device
/// (``TensorBackend``), where `pointer` is a host mirror downloaded on first read. Borrowed and
/// device storage is read-only on the host: mutating a tensor over it copies to a new host
/// buffer first (see ``Tensor/ensureUniqueStorage()``).
public final class TensorStorage: @unchecked Sendable {
    /// The values on the host. For a device storage this is its mirror, downloaded on the first
    /// read after each device write (slow: prefer ops that run on the device).
    public var pointer: UnsafeMutablePointer<Float> {
        if let hostPointer { return hostPointer }
        return residence.unsafelyUnwrapped.hostMirror()
    }
    public let count: Int
    /// The host buffer; nil for a device storage.
    let hostPointer: UnsafeMutablePointer<Float>?
    /// The device allocation; nil for a host storage.
    let residence: DeviceResidence?
    /// Keeps borrowed memory alive; `nil` when this storage owns `pointer`.
    let owner: AnyObject?
    /// The `malloc` block `pointer` lies in, when this storage owns it.
    private let mallocBlock: UnsafeMutableRawPointer?
    /// Alignment of owned buffers (a cache line; AVX-512 loads).
    static let alignment = 64

    /// Allocates `count` uninitialised floats.
    ///
    /// The buffer is a plain `malloc` of `alignment` extra bytes, aligned by hand, not an aligned
    /// allocation: glibc serves `aligned_alloc`/`posix_memalign` by asking for size + alignment +
    /// a header and trimming, so a freed large block is always slightly too small for the next
    /// aligned request of the same size and every large tensor got fresh pages (measured: 18
    /// convert-and-copy rounds of a 271 MB weight took 9.8 GB resident and 2.5 M page faults with
    /// `aligned_alloc`, 5.2 GB and 1.3 M with `malloc`).
    init(uninitializedCount count: Int) {
        _ = Self.allocatorConfigured
        self.count = count
        let byteCount = max(count, 1) * MemoryLayout<Float>.stride + Self.alignment
        guard let block = malloc(byteCount) else { fatalError("TensorStorage: out of memory allocating \(byteCount) bytes") }
        let aligned = (Int(bitPattern: block) + Self.alignment - 1) & -Self.alignment
        self.hostPointer = block.advanced(by: aligned - Int(bitPattern: block)).bindMemory(to: Float.self, capacity: max(count, 1))
        self.mallocBlock = block
        self.owner = nil
        self.residence = nil
    }

    /// Allocates `count` floats set to `value`.
    convenience init(count: Int, repeating value: Float) {
        self.init(uninitializedCount: count)
        pointer.initialize(repeating: value, count: count)
    }

    /// Wraps memory owned by `owner` without copying. The memory must stay valid and unchanged
    /// while `owner` is alive.
    public init(borrowing pointer: UnsafePointer<Float>, count: Int, owner: AnyObject) {
        self.hostPointer = UnsafeMutablePointer(mutating: pointer)
        self.count = count
        self.owner = owner
        self.mallocBlock = nil
        self.residence = nil
    }

    /// Wraps `count` values in `allocation` on `backend`; no host memory until the first host read.
    init(allocation: any DeviceAllocation, backend: any TensorBackend, count: Int) {
        self.hostPointer = nil
        self.count = count
        self.owner = nil
        self.mallocBlock = nil
        self.residence = DeviceResidence(allocation: allocation, backend: backend, count: count)
    }

    var isBorrowed: Bool { owner != nil }

    /// Tells the storage that its backend wrote the device values in place: the host mirror is
    /// downloaded again on the next host read.
    public func deviceDidWrite() {
        residence?.invalidate()
    }

    /// Keeps freed tensor buffers in the C heap for reuse instead of returning every large block
    /// to the kernel: by default glibc serves allocations over 32 MB with a fresh `mmap` and
    /// unmaps them on free, so every large activation pays its page faults (and the kernel's
    /// zeroing) again — most of a forward pass's system time. Raising the mmap and trim
    /// thresholds to 1 GB makes those buffers reusable; resident memory then stays near its
    /// high-water mark, as with PyTorch's caching allocator.
    private static let allocatorConfigured: Bool = {
        #if canImport(CMalloc)
        mallopt(M_MMAP_THRESHOLD, 1 << 30)
        mallopt(M_TRIM_THRESHOLD, 1 << 30)
        #endif
        return true
    }()

    deinit {
        free(mallocBlock)
    }
}
