/// A dense, contiguous, row-major array of Float32 values of any rank, optionally tracked by a
/// ``Tape`` for reverse-mode differentiation.
///
/// `Tensor` has value semantics: operations return new tensors and never change their inputs.
/// The few in-place operations (used by optimizers) copy the buffer first unless it is uniquely
/// referenced and owned. Shape errors in operations are programming errors and stop the program
/// with a message naming the operation and both shapes; bad *input files* are reported as typed
/// errors by the modules that read them.
///
/// ```swift
/// let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
/// let y = (x * 2).sum(axes: [1])      // [12, 30]
/// ```
///
/// ### See Also
/// - ``Tape`` for gradients, ``DType`` for storage types, ``RandomGenerator`` for seeded values.
public struct Tensor: @unchecked Sendable {
    /// Extent of each axis; `[]` for a scalar.
    public let shape: [Int]
    @usableFromInline var storage: TensorStorage
    /// Position on a tape, when some input of this value was a tracked variable.
    var node: TapeNode?

    /// Wraps `storage` (whose count must equal the shape's element count), for example memory
    /// borrowed from a mapped file (see ``TensorStorage/init(borrowing:count:owner:)``).
    public init(shape: [Int], storage: TensorStorage) {
        self.init(shape: shape, storage: storage, node: nil)
    }

    init(shape: [Int], storage: TensorStorage, node: TapeNode?) {
        precondition(
            shape.elementCount == storage.count,
            "Tensor: shape \(shape) holds \(shape.elementCount) values, storage has \(storage.count)")
        self.shape = shape
        self.storage = storage
        self.node = node
    }

    /// A tensor with the given values in row-major order.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        precondition(
            shape.elementCount == scalars.count,
            "Tensor: shape \(shape) needs \(shape.elementCount) values, got \(scalars.count)")
        let storage = TensorStorage(uninitializedCount: scalars.count)
        scalars.withUnsafeBufferPointer {
            if let base = $0.baseAddress { storage.pointer.initialize(from: base, count: $0.count) }
        }
        self.init(shape: shape, storage: storage)
    }

    /// A rank-0 tensor holding `value`.
    public init(_ value: Float) {
        self.init(shape: [], storage: TensorStorage(count: 1, repeating: value))
    }

    /// A tensor whose every element is `value`.
    public init(repeating value: Float, shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        self.init(shape: shape, storage: TensorStorage(count: shape.elementCount, repeating: value))
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }

    /// A tensor of ones.
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }

    /// A tensor filled by `body`, which writes all `shape.elementCount` values into the buffer.
    public init(shape: [Int], initializingWith body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        let storage = TensorStorage(uninitializedCount: shape.elementCount)
        body(UnsafeMutableBufferPointer(start: storage.pointer, count: storage.count))
        self.init(shape: shape, storage: storage)
    }

    /// Values `0, 1, …, count-1`.
    public static func arange(_ count: Int) -> Tensor {
        Tensor(shape: [count]) { buffer in
            for i in 0..<count { buffer[i] = Float(i) }
        }
    }

    /// Number of axes.
    public var rank: Int { shape.count }
    /// Number of elements.
    public var count: Int { storage.count }

    /// The values in row-major order (a copy).
    public var scalars: [Float] {
        Array(UnsafeBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// The single value of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "Tensor.item: tensor of shape \(shape) has \(count) values")
        return storage.pointer[0]
    }

    /// The element at a full multi-index (slow; for tests and diagnostics).
    public subscript(_ index: Int...) -> Float {
        precondition(index.count == rank, "Tensor subscript: \(index.count) indices for rank \(rank)")
        var offset = 0
        for (axis, i) in index.enumerated() {
            precondition(i >= 0 && i < shape[axis], "Tensor subscript: index \(i) out of range for axis \(axis) of \(shape)")
            offset = offset * shape[axis] + i
        }
        return storage.pointer[offset]
    }

    /// Calls `body` with the values (read-only, contiguous, row-major).
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// Calls `body` with the values, mutable. Copies the buffer first unless it is uniquely owned.
    /// Mutation bypasses the tape: use it for optimizer updates and kernels, not inside a
    /// differentiated computation.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        ensureUniqueStorage()
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// Copies the buffer if it is shared with another tensor, borrowed from a mapped file or on a
    /// device (the copy is on the host: host writes never reach device memory).
    mutating func ensureUniqueStorage() {
        if !isKnownUniquelyReferenced(&storage) || storage.isBorrowed || storage.residence != nil {
            let copy = TensorStorage(uninitializedCount: storage.count)
            copy.pointer.initialize(from: storage.pointer, count: storage.count)
            storage = copy
        }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(count > 8 ? ", …" : "")])"
    }
}

extension Array where Element == Int {
    /// Product of the extents: the number of elements of a tensor with this shape.
    public var elementCount: Int { reduce(1, *) }
}
