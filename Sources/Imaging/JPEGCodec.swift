import CJPEG
import Foundation

/// Decodes JPEG files through libjpeg-turbo's TurboJPEG API (`tjDecompress2`), which reports
/// errors as return codes and messages rather than through libjpeg's `setjmp`/`longjmp` error
/// manager, which Swift cannot use safely.
///
/// Every JPEG libjpeg-turbo reads (baseline, progressive, greyscale, CMYK, any chroma subsampling)
/// decodes to 8-bit ``PixelLayout/rgb`` with libjpeg-turbo's default (accurate, non-fast) upsampling
/// and IDCT, so the pixels equal those of other libjpeg-turbo-based readers such as Pillow. EXIF
/// orientation is not applied. The size is checked against ``Image/maximumByteCount`` before the
/// pixel buffer is allocated.
public enum JPEGCodec {
    /// The first three bytes of every JPEG file (SOI marker, then the first marker's 0xFF).
    static let signature: [UInt8] = [0xFF, 0xD8, 0xFF]

    /// Reads the JPEG file at `url` as RGB.
    /// - Throws: ``ImagingError/fileNotFound(path:)``, ``ImagingError/emptyInput(source:)``,
    ///   ``ImagingError/corruptedJPEG(source:libjpegMessage:)``, ``ImagingError/unsupportedDimensions(source:detail:)``.
    public static func read(contentsOf url: URL) throws -> Image {
        let path = url.path(percentEncoded: false)
        if let error = PNGCodec.fileSystemReadError(path: path) { throw error }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImagingError.corruptedJPEG(source: path, libjpegMessage: "the file cannot be read")
        }
        return try decode([UInt8](data), source: path)
    }

    /// Decodes JPEG data held in memory as RGB; `source` names it in errors.
    /// - Throws: as ``read(contentsOf:)``.
    public static func decode(_ data: [UInt8], source: String = "<memory>") throws -> Image {
        guard !data.isEmpty else { throw ImagingError.emptyInput(source: source) }
        guard let handle = tjInitDecompress() else {
            throw ImagingError.corruptedJPEG(source: source, libjpegMessage: "cannot create a decompressor")
        }
        defer { tjDestroy(handle) }
        func failure() -> ImagingError {
            .corruptedJPEG(source: source, libjpegMessage: String(cString: tjGetErrorStr2(handle)))
        }
        var width: Int32 = 0
        var height: Int32 = 0
        var subsampling: Int32 = 0
        var colourspace: Int32 = 0
        let headerStatus = data.withUnsafeBufferPointer {
            tjDecompressHeader3(handle, $0.baseAddress, UInt(data.count), &width, &height, &subsampling, &colourspace)
        }
        guard headerStatus == 0 else { throw failure() }
        guard width > 0, height > 0 else {
            throw ImagingError.corruptedJPEG(
                source: source, libjpegMessage: "the data ends before the frame header (no image size)")
        }
        let byteCount = try Image.validatedByteCount(
            width: Int(width), height: Int(height), layout: .rgb, source: source)
        var pixels = [UInt8](repeating: 0, count: byteCount)
        let status = data.withUnsafeBufferPointer { input in
            pixels.withUnsafeMutableBufferPointer { output in
                tjDecompress2(
                    handle, input.baseAddress, UInt(data.count), output.baseAddress, width, 0, height,
                    Int32(TJPF_RGB.rawValue), TJFLAG_STOPONWARNING)
            }
        }
        // TJFLAG_STOPONWARNING: a warning (premature end of data, after which libjpeg fills the
        // rest grey) is a failure too; a concept image with missing rows would be learnt as it is.
        guard status == 0 else { throw failure() }
        return try Image(width: Int(width), height: Int(height), layout: .rgb, pixels: pixels)
    }
}
