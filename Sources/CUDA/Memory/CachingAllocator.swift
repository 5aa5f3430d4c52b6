import Foundation

/// Device memory with a cache of freed blocks, as PyTorch's CUDA caching allocator keeps them:
/// `cuMemAlloc` and `cuMemFree` synchronise the device and cost tens of microseconds, so a freed
/// block goes to a free list of its size class and the next request of that class reuses it.
///
/// Size classes: requests round up to a multiple of 512 bytes below 1 MiB and of 2 MiB above, so
/// blocks of nearby sizes share a list. When `cuMemAlloc` reports out-of-memory the cache is
/// emptied and the allocation tried once more.
///
/// Freed blocks are reused by later work on the same stream, which runs after the work that used
/// them, so no event is needed (one stream per device).
public final class CachingAllocator: @unchecked Sendable {
    /// Bytes in blocks held by live ``DeviceBuffer``s, their high-water mark, and bytes cached in
    /// free lists (allocated from the driver, not in use).
    public struct Statistics: Sendable, Equatable {
        public var bytesInUse = 0
        public var peakBytesInUse = 0
        public var bytesCached = 0
        /// Requests served from the cache, and by `cuMemAlloc`.
        public var cacheHits = 0
        public var driverAllocations = 0
    }

    private let driver: DriverAPI
    private let lock = NSLock()
    private var freeBlocks: [Int: [UInt64]] = [:]
    private var stats = Statistics()

    init(driver: DriverAPI) {
        self.driver = driver
    }

    /// The size class of a request of `byteCount` bytes.
    static func sizeClass(_ byteCount: Int) -> Int {
        let small = 512, large = 2 << 20
        let unit = byteCount < (1 << 20) ? small : large
        return max(unit, (byteCount + unit - 1) / unit * unit)
    }

    public var statistics: Statistics {
        lock.lock()
        defer { lock.unlock() }
        return stats
    }

    /// A block of at least `byteCount` bytes; freed back to the cache when the buffer dies.
    /// - Throws: ``CUDAError/driver(call:code:name:)`` when the device is out of memory even
    ///   after the cache was emptied.
    public func allocate(_ byteCount: Int) throws -> DeviceBuffer {
        let size = Self.sizeClass(byteCount)
        lock.lock()
        defer { lock.unlock() }
        let address: UInt64
        if let cached = freeBlocks[size]?.popLast() {
            address = cached
            stats.bytesCached -= size
            stats.cacheHits += 1
        } else {
            address = try allocateFromDriver(size)
        }
        stats.bytesInUse += size
        stats.peakBytesInUse = max(stats.peakBytesInUse, stats.bytesInUse)
        return DeviceBuffer(address: address, byteCount: byteCount, blockSize: size, allocator: self)
    }

    private func allocateFromDriver(_ size: Int) throws -> UInt64 {
        var address: UInt64 = 0
        if driver.cuMemAlloc(&address, size) != 0 {
            releaseCachedBlocks()
            try driver.check(driver.cuMemAlloc(&address, size), "cuMemAlloc_v2(\(size) bytes)")
        }
        stats.driverAllocations += 1
        return address
    }

    /// Called by a dying ``DeviceBuffer``: its block joins its size class's free list.
    func release(_ address: UInt64, blockSize: Int) {
        lock.lock()
        defer { lock.unlock() }
        freeBlocks[blockSize, default: []].append(address)
        stats.bytesInUse -= blockSize
        stats.bytesCached += blockSize
    }

    /// Returns every cached block to the driver (PyTorch's `torch.cuda.empty_cache()`).
    public func emptyCache() {
        lock.lock()
        defer { lock.unlock() }
        releaseCachedBlocks()
    }

    deinit {
        releaseCachedBlocks()
    }

    private func releaseCachedBlocks() {
        for address in freeBlocks.values.joined() { _ = driver.cuMemFree(address) }
        freeBlocks.removeAll()
        stats.bytesCached = 0
    }
}

/// A block of device memory from a ``CachingAllocator``; returned to its cache on `deinit`.
public final class DeviceBuffer: @unchecked Sendable {
    /// The device address (`CUdeviceptr`).
    public let address: UInt64
    /// Bytes requested (the block may be larger: its size class).
    public let byteCount: Int
    let blockSize: Int
    private let allocator: CachingAllocator

    init(address: UInt64, byteCount: Int, blockSize: Int, allocator: CachingAllocator) {
        self.address = address
        self.byteCount = byteCount
        self.blockSize = blockSize
        self.allocator = allocator
    }

    deinit {
        allocator.release(address, blockSize: blockSize)
    }
}
