/// What a safetensors header says about one tensor: its storage dtype, its shape and where its
/// bytes lie. Reading an info touches no tensor data.
public struct SafetensorsTensorInfo: Sendable, Equatable, CustomStringConvertible {
    /// The tensor's name (key in the header).
    public let name: String
    /// Element type as stored in the file.
    public let dtype: SafetensorsDType
    /// Extent of each axis; `[]` for a scalar.
    public let shape: [Int]
    /// The header's `data_offsets`: byte positions relative to the start of the data area (the
    /// first byte after the header), `begin..<end`.
    public let dataOffsets: Range<Int>

    /// Number of elements, `product(shape)` (1 for a scalar).
    public var elementCount: Int { shape.elementCount }
    /// Number of stored bytes, `elementCount × dtype.byteSize`.
    public var byteCount: Int { dataOffsets.count }

    public var description: String { "\(name): \(dtype.rawValue) \(shape) @ \(dataOffsets)" }
}
