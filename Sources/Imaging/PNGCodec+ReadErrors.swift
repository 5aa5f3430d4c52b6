import CPNG
import Foundation

extension PNGCodec {
    /// The error for a failed file read that the file system explains on its own: a missing file,
    /// a directory, or an empty file. `nil` when the file exists and has bytes, so the PNG data is at fault.
    static func fileSystemReadError(path: String) -> ImagingError? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .fileNotFound(path: path)
        }
        if isDirectory.boolValue {
            return .libpngFailure(source: path, operation: "read", libpngMessage: "the path is a directory")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        return size == 0 ? .emptyInput(source: path) : nil
    }

    /// The first bytes of the file at `path` (enough for the signature and the IHDR size fields).
    static func headerBytes(ofFile path: String) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return [UInt8]((try? handle.read(upToCount: headerByteCount)) ?? Data())
    }

    /// The 8 bytes every PNG data stream starts with.
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Signature (8) + IHDR length and type (8) + width and height (8).
    static let headerByteCount = 24

    /// Maps libpng's message for a failed read of PNG data to a typed error.
    ///
    /// Input whose first bytes differ from the PNG signature is ``ImagingError/notPNG(source:libpngMessage:)``
    /// even when it is shorter than the signature (libpng then only says `"Read Error"`).
    /// Otherwise, as the simplified API reports failures only as text, the mapping uses libpng 1.6's fixed
    /// messages: `"Not a PNG file"` (signature check); `"Read Error"` (short `fread` from a file) and
    /// `"read beyond end of data"` (memory) for truncation. libpng rejects any bad IHDR field with the
    /// single message `"Invalid IHDR data"`, so for that message the width and height are read from
    /// `header` (the input's first bytes): a zero side or one above libpng's limits
    /// (`PNG_USER_WIDTH_MAX` × `PNG_USER_HEIGHT_MAX`) gives ``ImagingError/unsupportedDimensions(source:detail:)``.
    /// Every other failure after a valid signature (`"IDAT: CRC error"`, zlib's `"incorrect data check"`,
    /// `"Not enough image data"`, …) means damaged data: ``ImagingError/corruptedPNG(source:libpngMessage:)``.
    static func classifiedReadError(source: String, message: String, header: [UInt8]) -> ImagingError {
        let lowercased = message.lowercased()
        if lowercased.contains("not a png") || !header.prefix(8).elementsEqual(pngSignature.prefix(header.count)) {
            return .notPNG(source: source, libpngMessage: message)
        }
        if lowercased == "read error" || lowercased.contains("beyond end of data") {
            return .truncatedPNG(source: source, libpngMessage: message)
        }
        if lowercased.contains("ihdr"), let (width, height) = declaredSize(header: header),
           width == 0 || height == 0 || width > PNG_USER_WIDTH_MAX || height > PNG_USER_HEIGHT_MAX {
            let detail = "IHDR declares \(width)×\(height); libpng accepts 1…\(PNG_USER_WIDTH_MAX) columns "
                + "and 1…\(PNG_USER_HEIGHT_MAX) rows (libpng: \(message))"
            return .unsupportedDimensions(source: source, detail: detail)
        }
        return .corruptedPNG(source: source, libpngMessage: message)
    }

    /// Width and height from the IHDR chunk at the start of PNG data, or `nil` when `header` is too short
    /// or does not start with an IHDR chunk after the signature.
    private static func declaredSize(header: [UInt8]) -> (width: UInt32, height: UInt32)? {
        guard header.count >= headerByteCount, header[12..<16].elementsEqual("IHDR".utf8) else { return nil }
        let bigEndian = { (offset: Int) in header[offset..<offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
        return (bigEndian(16), bigEndian(20))
    }
}
