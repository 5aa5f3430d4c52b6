import Foundation

/// The parsed and validated header of a safetensors file.
///
/// Layout (https://github.com/huggingface/safetensors, "Format"): an 8-byte little-endian `UInt64`
/// N, then N bytes of UTF-8 JSON, then the data area up to the end of the file. The JSON maps each
/// tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets relative to the data
/// area) plus an optional `"__metadata__"` object of strings. Validation follows the Rust crate:
/// tensors must tile the data area exactly, with no overlap, gap or trailing bytes.
struct SafetensorsHeader {
    /// The reserved header key holding free-form string metadata.
    static let metadataKey = "__metadata__"

    /// `__metadata__`, empty when absent.
    let metadata: [String: String]
    /// Tensor entries, sorted by name.
    let tensors: [SafetensorsTensorInfo]
    /// File offset of the first data byte: 8 + header length.
    let dataStart: Int

    /// Reads and validates the header of the mapped file `file`.
    ///
    /// - Throws: a ``ModelIOError`` naming `file.path` (and the tensor) for every violation listed
    ///   on ``SafetensorsFile``.
    /// - Complexity: O(header size + n log n) for n tensors; touches no tensor data.
    init(of file: MappedFile) throws {
        let path = file.path
        guard file.byteCount >= 8 else { throw ModelIOError.fileTooShort(file: path, size: file.byteCount) }
        let prefix = file.bytes(0..<8)
        let declared = UInt64(littleEndian: prefix.loadUnaligned(as: UInt64.self))
        let available = file.byteCount - 8
        // Compared as UInt64 so that lengths like 2^63 or UInt64.max cannot overflow Int.
        guard declared <= UInt64(available) else {
            throw ModelIOError.headerLengthOutOfRange(file: path, declared: declared, available: available)
        }
        dataStart = 8 + Int(declared)
        let headerBytes = file.bytes(8..<dataStart)
        guard String(validating: headerBytes, as: UTF8.self) != nil else {
            throw ModelIOError.headerNotUTF8(file: path)
        }
        let document: HeaderDocument
        do {
            document = try JSONDecoder().decode(HeaderDocument.self, from: Data(headerBytes))
        } catch let error as DecodingError {
            throw ModelIOError.malformedHeader(file: path, reason: error.summary)
        } catch {
            throw ModelIOError.malformedHeader(file: path, reason: "\(error)")
        }
        metadata = document.metadata
        tensors = try Self.validate(document.entries, dataSize: file.byteCount - dataStart, path: path)
    }

    /// Checks every entry, then that the entries tile `0..<dataSize` exactly.
    private static func validate(
        _ entries: [String: RawEntry], dataSize: Int, path: String
    ) throws -> [SafetensorsTensorInfo] {
        let tensors = try entries.sorted { $0.key < $1.key }.map { name, entry in
            try entry.validated(name: name, dataSize: dataSize, path: path)
        }
        let byPosition = tensors.sorted {
            ($0.dataOffsets.lowerBound, $0.byteCount) < ($1.dataOffsets.lowerBound, $1.byteCount)
        }
        var covered = 0
        var previous = ""
        for tensor in byPosition {
            let begin = tensor.dataOffsets.lowerBound
            if begin < covered {
                throw ModelIOError.overlappingTensors(file: path, first: previous, second: tensor.name)
            }
            if begin > covered {
                throw ModelIOError.gapBeforeTensor(
                    file: path, tensor: tensor.name, expectedBegin: covered, foundBegin: begin)
            }
            covered = tensor.dataOffsets.upperBound
            previous = tensor.name
        }
        guard covered == dataSize else {
            throw ModelIOError.trailingData(file: path, coveredEnd: covered, dataSize: dataSize)
        }
        return tensors
    }
}

/// The header JSON as written: tensor entries plus the optional `__metadata__` object.
private struct HeaderDocument: Decodable {
    var metadata: [String: String] = [:]
    var entries: [String: RawEntry] = [:]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: NameKey.self)
        for key in container.allKeys {
            if key.stringValue == SafetensorsHeader.metadataKey {
                metadata = try container.decode([String: String].self, forKey: key)
            } else {
                entries[key.stringValue] = try container.decode(RawEntry.self, forKey: key)
            }
        }
    }
}

/// Any string key (tensor names are data, not a fixed schema).
private struct NameKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// One tensor entry before validation: every field optional so a missing one gets its own error.
private struct RawEntry: Decodable {
    let dtype: String?
    let shape: [Int]?
    let dataOffsets: [Int]?

    enum CodingKeys: String, CodingKey {
        case dtype, shape
        case dataOffsets = "data_offsets"
    }

    /// The entry as a ``SafetensorsTensorInfo``, after checking it against a data area of
    /// `dataSize` bytes. Arithmetic is overflow-checked: no header value can trap.
    func validated(name: String, dataSize: Int, path: String) throws -> SafetensorsTensorInfo {
        guard let dtypeName = dtype else {
            throw ModelIOError.missingTensorField(file: path, tensor: name, field: "dtype")
        }
        guard let shape else { throw ModelIOError.missingTensorField(file: path, tensor: name, field: "shape") }
        guard let dataOffsets else {
            throw ModelIOError.missingTensorField(file: path, tensor: name, field: "data_offsets")
        }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            throw ModelIOError.unknownDType(file: path, tensor: name, dtype: dtypeName)
        }
        var expectedBytes = dtype.byteSize
        for extent in shape {
            let (product, overflow) = expectedBytes.multipliedReportingOverflow(by: extent)
            guard extent >= 0, !overflow else {
                throw ModelIOError.invalidShape(file: path, tensor: name, shape: shape)
            }
            expectedBytes = product
        }
        guard dataOffsets.count == 2, dataOffsets[0] >= 0, dataOffsets[0] <= dataOffsets[1] else {
            throw ModelIOError.invalidDataOffsets(file: path, tensor: name, offsets: dataOffsets)
        }
        let (begin, end) = (dataOffsets[0], dataOffsets[1])
        guard end <= dataSize else {
            throw ModelIOError.offsetsOutOfRange(file: path, tensor: name, end: end, dataSize: dataSize)
        }
        guard end - begin == expectedBytes else {
            throw ModelIOError.byteCountMismatch(
                file: path, tensor: name, expected: expectedBytes, found: end - begin)
        }
        return SafetensorsTensorInfo(name: name, dtype: dtype, shape: shape, dataOffsets: begin..<end)
    }
}
