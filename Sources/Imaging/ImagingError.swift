/// Everything that can go wrong in the `Imaging` module: reading and writing PNG files, reading JPEG files, building
/// images from pixels or tensors, composing grids and drawing plots.
///
/// Each message names the file (or `<memory>` for in-memory PNG data), what was expected and what
/// was found, and, where libpng reported the failure, libpng's own message.
public enum ImagingError: Error, CustomStringConvertible, Equatable {
    /// The file to read does not exist.
    case fileNotFound(path: String)
    /// The input has no bytes at all.
    case emptyInput(source: String)
    /// The input does not start with the 8-byte PNG signature.
    case notPNG(source: String, libpngMessage: String)
    /// The PNG data stream ends before the image is complete.
    case truncatedPNG(source: String, libpngMessage: String)
    /// The PNG data is damaged: a CRC mismatch, a bad chunk, or compressed data that does not inflate.
    case corruptedPNG(source: String, libpngMessage: String)
    /// Width or height is zero, or the pixel buffer would exceed ``Image/maximumByteCount``.
    case unsupportedDimensions(source: String, detail: String)
    /// The JPEG data cannot be decoded (truncated, damaged, or an unsupported kind of JPEG).
    case corruptedJPEG(source: String, libjpegMessage: String)
    /// The file is neither a PNG nor a JPEG (its first bytes carry neither signature).
    case notAnImage(source: String)
    /// libpng failed for a reason not covered by the cases above (for example, an unwritable file).
    case libpngFailure(source: String, operation: String, libpngMessage: String)
    /// Writing or renaming an output file failed.
    case writeFailed(path: String, reason: String)
    /// A pixel buffer does not hold `width × height × channels` bytes.
    case pixelCountMismatch(expected: Int, found: Int)
    /// A tensor cannot be read as an image (wrong rank or channel count).
    case unsupportedTensorShape(shape: [Int], expected: String)
    /// A tensor holds NaN, which has no pixel value.
    case nonFiniteTensorValue(index: Int)
    /// The images of a grid cannot be combined (no images, mixed layouts, a bad background colour).
    case invalidGrid(reason: String)
    /// A plot cannot be drawn from the given data (no data, mismatched lengths, non-finite values).
    case invalidPlot(reason: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            "PNG read: file '\(path)' does not exist"
        case .emptyInput(let source):
            "PNG read: '\(source)' is empty (0 bytes), expected a PNG data stream"
        case .notPNG(let source, let message):
            "PNG read: '\(source)' is not a PNG file (no PNG signature; libpng: \(message))"
        case .truncatedPNG(let source, let message):
            "PNG read: '\(source)' is truncated before the end of the image (libpng: \(message))"
        case .corruptedPNG(let source, let message):
            "PNG read: '\(source)' is corrupted (libpng: \(message))"
        case .unsupportedDimensions(let source, let detail):
            "image '\(source)': unsupported dimensions: \(detail)"
        case .corruptedJPEG(let source, let message):
            "JPEG read: '\(source)' cannot be decoded (libjpeg-turbo: \(message))"
        case .notAnImage(let source):
            "image read: '\(source)' is not a PNG or JPEG file (neither signature at its start)"
        case .libpngFailure(let source, let operation, let message):
            "PNG \(operation): '\(source)' failed (libpng: \(message))"
        case .writeFailed(let path, let reason):
            "write '\(path)' failed: \(reason)"
        case .pixelCountMismatch(let expected, let found):
            "image pixels: expected \(expected) bytes (width × height × channels), found \(found)"
        case .unsupportedTensorShape(let shape, let expected):
            "image from tensor: shape \(shape) is not \(expected)"
        case .nonFiniteTensorValue(let index):
            "image from tensor: value at flat index \(index) is NaN, expected a finite number"
        case .invalidGrid(let reason):
            "image grid: \(reason)"
        case .invalidPlot(let reason):
            "SVG plot: \(reason)"
        }
    }
}
