import Foundation

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
