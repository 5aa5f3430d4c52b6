/// The buffer behind a ``Tensor``: `count` Float32 values, 64-byte aligned.
///
/// A storage either owns its memory (allocated here, freed in `deinit`) or borrows it from an
/// `owner` that keeps it alive, such as a memory-mapped safetensors file. Borrowed storage is
/// read-only: mutating a tensor over it copies first (see ``Tensor/ensureUniqueStorage()``).
public final class TensorStorage: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int
    /// Keeps borrowed memory alive; `nil` when this storage owns `pointer`.
    let owner: AnyObject?

    /// Allocates `count` uninitialised floats.
    init(uninitializedCount count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        self.pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        self.owner = nil
    }

    /// Allocates `count` floats set to `value`.
    convenience init(count: Int, repeating value: Float) {
        self.init(uninitializedCount: count)
        pointer.initialize(repeating: value, count: count)
    }

    /// Wraps memory owned by `owner` without copying. The memory must stay valid and unchanged
    /// while `owner` is alive.
    public init(borrowing pointer: UnsafePointer<Float>, count: Int, owner: AnyObject) {
        self.pointer = UnsafeMutablePointer(mutating: pointer)
        self.count = count
        self.owner = owner
    }

    var isBorrowed: Bool { owner != nil }

    deinit {
        if owner == nil { UnsafeMutableRawPointer(pointer).deallocate() }
    }
}
