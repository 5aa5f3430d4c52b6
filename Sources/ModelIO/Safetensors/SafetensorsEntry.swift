import Foundation
import Tensors

/// One tensor to be written by ``SafetensorsWriter``: its name, storage dtype, shape, and where
/// its bytes come from. Bytes are produced while the file is written, so a writer never holds more
/// than one conversion chunk beyond what the entries already reference.
public struct SafetensorsEntry: Sendable {
    /// The tensor's name in the header.
    public let name: String
    /// Element type it is stored as.
    public let dtype: SafetensorsDType
    /// Extent of each axis.
    public let shape: [Int]
    private let source: Source

    private enum Source: Sendable {
        /// A Float32 tensor, encoded to the storage type while writing.
        case tensor(Tensor, DType)
        /// Bytes already in `dtype`, little-endian.
        case bytes(Data)
        /// A tensor of a mapped file, copied byte for byte.
        case stored(SafetensorsFile, String)
    }

    /// Number of stored bytes, `product(shape) × dtype.byteSize`.
    public var byteCount: Int { shape.elementCount * dtype.byteSize }

    /// A Float32 tensor, stored as `storage` (bf16 rounds to nearest even; see ``DType``).
    public init(_ name: String, _ tensor: Tensor, storedAs storage: DType = .float32) {
        self.name = name
        dtype = SafetensorsDType(storage)
        shape = tensor.shape
        source = .tensor(tensor, storage)
    }

    /// Bytes already encoded as `dtype` (little-endian), written unchanged.
    ///
    /// - Throws: ``ModelIOError/invalidTensorForWriting(tensor:reason:)`` when an extent is
    ///   negative, the size overflows, or `bytes.count` differs from `product(shape) × dtype size`.
    public init(_ name: String, dtype: SafetensorsDType, shape: [Int], bytes: Data) throws {
        var expected = dtype.byteSize
        for extent in shape {
            let (product, overflow) = expected.multipliedReportingOverflow(by: extent)
            guard extent >= 0, !overflow else {
                throw ModelIOError.invalidTensorForWriting(tensor: name, reason: "invalid shape \(shape)")
            }
            expected = product
        }
        guard bytes.count == expected else {
            throw ModelIOError.invalidTensorForWriting(
                tensor: name, reason: "\(dtype.rawValue) \(shape) needs \(expected) bytes, got \(bytes.count)")
        }
        self.name = name
        self.dtype = dtype
        self.shape = shape
        source = .bytes(bytes)
    }

    /// Tensor `name` of `file`, copied in its storage dtype without conversion, optionally under
    /// a new name (e.g. to save an edited checkpoint with its untouched tensors as they were).
    ///
    /// - Throws: ``ModelIOError/tensorNotFound(file:tensor:suggestions:)``.
    public init(copying name: String, from file: SafetensorsFile, as newName: String? = nil) throws {
        let info = try file.info(named: name)
        self.name = newName ?? name
        dtype = info.dtype
        shape = info.shape
        source = .stored(file, name)
    }

    /// Writes the stored bytes to `output`, converting Float32 tensors in chunks of
    /// `chunkElements` values.
    func write(to output: AtomicOutputFile, chunkElements: Int = 1 << 20) throws {
        switch source {
        case let .tensor(tensor, storage):
            let chunk = UnsafeMutableRawBufferPointer.allocate(
                byteCount: min(chunkElements, max(tensor.count, 1)) * storage.byteSize, alignment: 64)
            defer { chunk.deallocate() }
            try tensor.withUnsafeBufferPointer { values in
                guard let source = values.baseAddress, let target = chunk.baseAddress else { return }
                for start in stride(from: 0, to: values.count, by: chunkElements) {
                    let count = min(chunkElements, values.count - start)
                    if let bad = Tensor.firstNonFiniteIndex(in: UnsafeBufferPointer(rebasing: values[start..<(start + count)])) {
                        throw ModelIOError.nonFiniteTensor(file: output.destination, tensor: name, index: start + bad)
                    }
                    storage.encode(source + start, count: count, into: target)
                    try output.append(UnsafeRawBufferPointer(rebasing: chunk[0..<(count * storage.byteSize)]))
                }
            }
        case let .bytes(data):
            try data.withUnsafeBytes { try output.append($0) }
        case let .stored(file, tensorName):
            try output.append(file.rawBytes(named: tensorName))
        }
    }
}
