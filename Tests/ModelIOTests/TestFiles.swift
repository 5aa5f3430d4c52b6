import Foundation

/// A fresh directory under the system temporary directory, removed when the value is released.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appending(path: "ModelIOTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// `url/name`.
    func file(_ name: String) -> URL { url.appending(path: name) }

    /// Writes `data` to `name` and returns its URL.
    @discardableResult
    func write(_ data: Data, to name: String) throws -> URL {
        let target = file(name)
        try data.write(to: target)
        return target
    }

    /// File names in the directory, sorted (hidden temporary files included).
    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path(percentEncoded: false)).sorted()
    }
}

extension URL {
    /// The path as the module writes it in error messages.
    var filePath: String { path(percentEncoded: false) }
}

/// Hand-built safetensors bytes: an 8-byte little-endian length (by default the header's real
/// length), the header text, then `dataBytes` zero bytes. Used to build broken files.
func safetensorsBytes(header: String, dataBytes: Int = 0, declaredLength: UInt64? = nil) -> Data {
    let headerData = Data(header.utf8)
    var length = (declaredLength ?? UInt64(headerData.count)).littleEndian
    var bytes = Data(bytes: &length, count: 8)
    bytes.append(headerData)
    bytes.append(Data(count: dataBytes))
    return bytes
}
