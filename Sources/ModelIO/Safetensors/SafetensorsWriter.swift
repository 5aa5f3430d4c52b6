import Foundation
import Tensors

/// Writes safetensors files that any safetensors reader (and ``SafetensorsFile``) accepts.
///
/// Layout of the output: tensors sorted by name, packed contiguously from offset 0 of the data
/// area; the header is compact JSON with sorted keys, padded with spaces so that its length is a
/// multiple of 8 (as the Rust `safetensors` crate pads it), which puts the data area at an offset
/// that is a multiple of 8. Output goes to a temporary file in the destination's directory and is
/// renamed into place when complete, so a failed write leaves any previous file untouched.
///
/// ```swift
/// try SafetensorsWriter.write([("weight", w), ("bias", b)], dtype: .bfloat16, to: url,
///                             metadata: ["format": "pt"])
/// ```
///
/// ### See Also
/// - ``writeSharded(_:to:maxShardSize:metadata:)`` for checkpoints split across files.
public enum SafetensorsWriter {
    /// Writes Float32 tensors, all stored as `dtype`.
    ///
    /// - Throws: ``ModelIOError/invalidTensorForWriting(tensor:reason:)`` for a duplicate name or
    ///   the reserved name `__metadata__`; ``ModelIOError/writeFailed(file:reason:)``.
    public static func write(
        _ tensors: [(String, Tensor)], dtype: DType = .float32, to url: URL, metadata: [String: String] = [:]
    ) throws {
        try write(tensors.map { SafetensorsEntry($0, $1, storedAs: dtype) }, to: url, metadata: metadata)
    }

    /// Writes Float32 tensors, all stored as `dtype`, as the array form does (the dictionary's
    /// order does not matter: tensors are written sorted by name).
    public static func write(
        _ tensors: [String: Tensor], dtype: DType = .float32, to url: URL, metadata: [String: String] = [:]
    ) throws {
        try write(tensors.map { ($0.key, $0.value) }, dtype: dtype, to: url, metadata: metadata)
    }

    /// Writes `entries`, each in its own storage dtype, with `metadata` as `__metadata__` (omitted
    /// when empty).
    ///
    /// - Throws: ``ModelIOError/invalidTensorForWriting(tensor:reason:)`` for a duplicate name or
    ///   the reserved name `__metadata__`; ``ModelIOError/writeFailed(file:reason:)``.
    /// - Complexity: O(total bytes); memory beyond the entries is one conversion chunk (≤ 4 MiB).
    public static func write(_ entries: [SafetensorsEntry], to url: URL, metadata: [String: String] = [:]) throws {
        let output = try prepare(entries, to: url, metadata: metadata)
        try output.moveIntoPlace()
    }

    /// Writes and finishes (fsync, close) the temporary file for `entries`, without renaming it.
    static func prepare(
        _ entries: [SafetensorsEntry], to url: URL, metadata: [String: String]
    ) throws -> AtomicOutputFile {
        let sorted = try sortedCheckingNames(entries)
        let header = try header(for: sorted, metadata: metadata)
        let output = try AtomicOutputFile(destination: url)
        var length = UInt64(header.count).littleEndian
        try withUnsafeBytes(of: &length) { try output.append($0) }
        try header.withUnsafeBytes { try output.append($0) }
        for entry in sorted { try entry.write(to: output) }
        try output.finish()
        return output
    }

    /// `entries` sorted by name, after rejecting duplicate and reserved names.
    static func sortedCheckingNames(_ entries: [SafetensorsEntry]) throws -> [SafetensorsEntry] {
        let sorted = entries.sorted { $0.name < $1.name }
        for (index, entry) in sorted.enumerated() {
            if entry.name == SafetensorsHeader.metadataKey {
                throw ModelIOError.invalidTensorForWriting(tensor: entry.name, reason: "the name is reserved")
            }
            if index > 0, sorted[index - 1].name == entry.name {
                throw ModelIOError.invalidTensorForWriting(tensor: entry.name, reason: "duplicate name")
            }
        }
        return sorted
    }

    /// The header JSON for `sorted` entries laid out back to back, space-padded to a multiple of 8.
    private static func header(for sorted: [SafetensorsEntry], metadata: [String: String]) throws -> Data {
        var offset = 0
        var document = HeaderOutput(metadata: metadata, entries: [])
        for entry in sorted {
            document.entries.append(
                (entry.name, .init(dtype: entry.dtype.rawValue, shape: entry.shape,
                                   dataOffsets: [offset, offset + entry.byteCount])))
            offset += entry.byteCount
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var json = try encoder.encode(document)
        json.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - json.count % 8) % 8))
        return json
    }
}

/// The header document: `__metadata__` (when not empty) and one object per tensor.
private struct HeaderOutput: Encodable {
    struct Entry: Encodable {
        let dtype: String
        let shape: [Int]
        let dataOffsets: [Int]
        enum CodingKeys: String, CodingKey {
            case dtype, shape
            case dataOffsets = "data_offsets"
        }
    }

    struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    let metadata: [String: String]
    var entries: [(String, Entry)]

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        if !metadata.isEmpty {
            try container.encode(metadata, forKey: Key(stringValue: SafetensorsHeader.metadataKey))
        }
        for (name, entry) in entries { try container.encode(entry, forKey: Key(stringValue: name)) }
    }
}
