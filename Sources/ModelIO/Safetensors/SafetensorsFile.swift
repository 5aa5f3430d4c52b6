import Foundation
import Tensors

/// A safetensors file, memory-mapped and validated, whose tensors are read on demand.
///
/// Opening maps the file (no bytes are read until touched), parses the JSON header and checks it
/// completely, so every later access is in bounds. Tensors stay in their storage dtype until
/// ``tensor(named:)`` converts one to Float32; ``rawBytes(named:)`` gives the stored bytes.
///
/// ```swift
/// let file = try SafetensorsFile(url: url)
/// for name in file.names { print(try file.info(named: name)) }
/// let weight = try file.tensor(named: "model.embed_tokens.weight")
/// ```
///
/// Validation (each failure is a ``ModelIOError`` naming the file, and the tensor where there is
/// one): the file holds the 8-byte length prefix; the declared header length fits in the file;
/// the header is UTF-8 JSON, an object whose `__metadata__` maps strings to strings; every entry
/// has `dtype`, `shape` and `data_offsets`; the dtype is a ``SafetensorsDType``; extents are
/// non-negative and the byte count does not overflow; offsets are `[begin, end]` with
/// `begin ≤ end` inside the data area, spanning exactly `product(shape) × dtype size` bytes; and the
/// tensors tile the data area with no overlap, gap or trailing byte.
///
/// ### See Also
/// - ``SafetensorsCheckpoint`` for sharded directories, ``SafetensorsWriter`` for output.
public final class SafetensorsFile: Sendable {
    /// Where the file was opened from.
    public let url: URL
    /// The header's `__metadata__` object (empty when absent).
    public let metadata: [String: String]
    /// Tensor names, sorted.
    public let names: [String]
    /// File offset of the first data byte (8 + header length).
    public let dataStart: Int

    /// The whole file, mapped (internal: the fingerprint reads the header and sampled data).
    let mapping: MappedFile
    private let infos: [String: SafetensorsTensorInfo]

    /// Maps and validates the file at `url`.
    ///
    /// - Throws: ``ModelIOError/fileNotReadable(file:reason:)`` when it cannot be opened, or the
    ///   case describing the first layout violation found (see the type's discussion).
    /// - Complexity: O(header size + n log n) for n tensors; independent of the data size.
    public init(url: URL) throws {
        self.url = url
        mapping = try MappedFile(path: url.path(percentEncoded: false))
        let header = try SafetensorsHeader(of: mapping)
        metadata = header.metadata
        names = header.tensors.map(\.name)
        dataStart = header.dataStart
        infos = Dictionary(uniqueKeysWithValues: header.tensors.map { ($0.name, $0) })
    }

    /// The file's path, as used in error messages.
    public var path: String { mapping.path }

    /// Every tensor's info, sorted by name.
    public var tensorInfos: [SafetensorsTensorInfo] { names.compactMap { infos[$0] } }

    /// Whether the file holds a tensor called `name`.
    public func contains(_ name: String) -> Bool { infos[name] != nil }

    /// Dtype, shape and byte range of the tensor `name`, without touching its data.
    ///
    /// - Throws: ``ModelIOError/tensorNotFound(file:tensor:suggestions:)`` with the closest names.
    public func info(named name: String) throws -> SafetensorsTensorInfo {
        guard let info = infos[name] else {
            throw ModelIOError.tensorNotFound(
                file: path, tensor: name, suggestions: EditDistance.suggestions(for: name, among: names))
        }
        return info
    }

    /// The stored bytes of tensor `name`, little-endian in its storage dtype, straight from the
    /// mapping (no copy).
    ///
    /// - Important: the buffer is valid only while this `SafetensorsFile` is alive; keep a
    ///   reference to the file for as long as you use it. Its start is not necessarily aligned
    ///   for the element type: read it with `loadUnaligned` or ``DType/decode(_:count:into:)``.
    /// - Throws: ``ModelIOError/tensorNotFound(file:tensor:suggestions:)``.
    public func rawBytes(named name: String) throws -> UnsafeRawBufferPointer {
        rawBytes(of: try info(named: name))
    }

    /// The stored bytes of a tensor of this file, described by its `info`.
    func rawBytes(of info: SafetensorsTensorInfo) -> UnsafeRawBufferPointer {
        mapping.bytes((dataStart + info.dataOffsets.lowerBound)..<(dataStart + info.dataOffsets.upperBound))
    }

    /// Tensor `name` as Float32: an F32 tensor at a 4-byte-aligned offset borrows the mapped
    /// bytes without copying (the tensor keeps the mapping alive and is copied on mutation);
    /// BF16 is widened exactly and F16 converted into a new buffer.
    ///
    /// - Throws: ``ModelIOError/tensorNotFound(file:tensor:suggestions:)``, or
    ///   ``ModelIOError/notConvertibleToFloat(file:tensor:dtype:)`` for raw-only dtypes.
    /// - Complexity: O(element count); reads only this tensor's bytes.
    public func tensor(named name: String) throws -> Tensor {
        let info = try info(named: name)
        guard let storage = info.dtype.floatStorage else {
            throw ModelIOError.notConvertibleToFloat(file: path, tensor: name, dtype: info.dtype.rawValue)
        }
        return tensor(of: info, storage: storage)
    }

    /// A tensor of this file, described by its `info`, converted from its float `storage` type
    /// (see ``tensor(named:)``).
    func tensor(of info: SafetensorsTensorInfo, storage: DType) -> Tensor {
        let bytes = rawBytes(of: info)
        if storage == .float32, let base = bytes.baseAddress, Int(bitPattern: base) % MemoryLayout<Float>.alignment == 0 {
            let values = base.assumingMemoryBound(to: Float.self)
            return Tensor(shape: info.shape, storage: TensorStorage(borrowing: values, count: info.elementCount, owner: mapping))
        }
        return Tensor(shape: info.shape) { buffer in
            guard let source = bytes.baseAddress, let destination = buffer.baseAddress else { return }
            storage.decode(source, count: buffer.count, into: destination)
        }
    }
}
