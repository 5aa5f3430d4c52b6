import CPNG
import Foundation

/// Reads and writes PNG files and in-memory PNG data through libpng's *simplified* API
/// (`png_image_*`), which reports errors in the `png_image` structure instead of through `setjmp`.
///
/// Reading accepts every valid PNG (any bit depth, palette, interlacing); libpng converts it to 8-bit
/// sRGB. Unless a layout is requested, the image keeps the file's channels: gray stays
/// ``PixelLayout/gray``, colour becomes ``PixelLayout/rgb``, and any alpha (gray + alpha included)
/// becomes ``PixelLayout/rgba``. Requesting a layout without alpha from a file with alpha composites
/// the pixels onto black. Writing produces an 8-bit PNG of the image's layout, so
/// `decode(encode(image)) == image` for every image.
///
/// libpng stops reading after the last image data, so a stream cut inside its final `IEND` chunk still
/// decodes (every pixel is present); a cut anywhere earlier is ``ImagingError/truncatedPNG(source:libpngMessage:)``.
///
/// Every failure is an ``ImagingError`` naming the file (`<memory>` for in-memory data) and carrying
/// libpng's message; the image size is checked against ``Image/maximumByteCount`` *before* the pixel
/// buffer is allocated, and `png_image_free` runs on every path.
public enum PNGCodec {
    /// The name used in errors for in-memory PNG data.
    static let memorySource = "<memory>"

    /// Reads the PNG file at `url`.
    /// - Parameters:
    ///   - url: a file URL.
    ///   - layout: the layout to convert to, or `nil` to keep the file's channels (see ``PNGCodec``).
    /// - Throws: ``ImagingError/fileNotFound(path:)``, ``ImagingError/emptyInput(source:)``,
    ///   ``ImagingError/notPNG(source:libpngMessage:)``, ``ImagingError/truncatedPNG(source:libpngMessage:)``,
    ///   ``ImagingError/corruptedPNG(source:libpngMessage:)``, ``ImagingError/unsupportedDimensions(source:detail:)``
    ///   or ``ImagingError/libpngFailure(source:operation:libpngMessage:)``.
    public static func read(contentsOf url: URL, as layout: PixelLayout? = nil) throws -> Image {
        let path = url.path
        do {
            return try decodeImage(source: path, layout: layout) { png_image_begin_read_from_file(&$0, path) }
        } catch let ImagingError.libpngFailure(_, _, message) {
            throw fileSystemReadError(path: path)
                ?? classifiedReadError(source: path, message: message, header: headerBytes(ofFile: path))
        }
    }

    /// Decodes PNG data held in memory; see ``read(contentsOf:as:)`` for `layout` and the errors.
    public static func decode(_ data: [UInt8], as layout: PixelLayout? = nil) throws -> Image {
        guard !data.isEmpty else { throw ImagingError.emptyInput(source: memorySource) }
        do {
            return try data.withUnsafeBytes { bytes in
                try decodeImage(source: memorySource, layout: layout) {
                    png_image_begin_read_from_memory(&$0, bytes.baseAddress, bytes.count)
                }
            }
        } catch let ImagingError.libpngFailure(_, _, message) {
            throw classifiedReadError(
                source: memorySource, message: message, header: Array(data.prefix(headerByteCount)))
        }
    }

    /// Writes `image` as an 8-bit PNG file at `url`, atomically: libpng writes a temporary file in the
    /// same directory, which is then renamed over `url`.
    /// - Throws: ``ImagingError/libpngFailure(source:operation:libpngMessage:)`` naming `url` (for example
    ///   when the directory does not exist), ``ImagingError/writeFailed(path:reason:)`` when the rename
    ///   fails, ``ImagingError/unsupportedDimensions(source:detail:)`` for rows longer than 2³¹ − 1 bytes.
    public static func write(_ image: Image, to url: URL) throws {
        let rowStride = try int32RowStride(of: image, source: url.path)
        var control = makeControl(for: image)
        defer { png_image_free(&control) }
        try writeAtomically(to: url) { temporaryPath in
            let status = image.pixels.withUnsafeBytes {
                png_image_write_to_file(&control, temporaryPath, 0, $0.baseAddress, rowStride, nil)
            }
            try check(status, control, source: url.path, operation: "write")
        }
    }

    /// Encodes `image` as 8-bit PNG data.
    /// - Throws: ``ImagingError/libpngFailure(source:operation:libpngMessage:)`` when libpng fails, and
    ///   ``ImagingError/unsupportedDimensions(source:detail:)`` for rows longer than 2³¹ − 1 bytes.
    /// - Complexity: compresses the image twice (libpng's documented way to size the output buffer).
    public static func encode(_ image: Image) throws -> [UInt8] {
        let rowStride = try int32RowStride(of: image, source: memorySource)
        return try image.pixels.withUnsafeBytes { pixels in
            var control = makeControl(for: image)
            defer { png_image_free(&control) }
            var byteCount: png_alloc_size_t = 0
            let sized = png_image_write_to_memory(&control, nil, &byteCount, 0, pixels.baseAddress, rowStride, nil)
            try check(sized, control, source: memorySource, operation: "encode")
            var output = [UInt8](repeating: 0, count: Int(byteCount))
            let written = output.withUnsafeMutableBytes {
                png_image_write_to_memory(&control, $0.baseAddress, &byteCount, 0, pixels.baseAddress, rowStride, nil)
            }
            try check(written, control, source: memorySource, operation: "encode")
            return Array(output.prefix(Int(byteCount)))
        }
    }

    /// Runs `begin` (one of libpng's `png_image_begin_read_from_*`), validates the header's size, then
    /// allocates the buffer and finishes the read. libpng failures come out as `.libpngFailure`,
    /// for the caller to classify.
    private static func decodeImage(
        source: String, layout requested: PixelLayout?, begin: (inout png_image) -> Int32
    ) throws -> Image {
        var control = png_image()
        control.version = png_uint_32(PNG_IMAGE_VERSION)
        defer { png_image_free(&control) }
        try check(begin(&control), control, source: source, operation: "read")
        let layout = requested ?? PixelLayout(pngFormat: control.format)
        let (width, height) = (Int(control.width), Int(control.height))
        let byteCount = try Image.validatedByteCount(width: width, height: height, layout: layout, source: source)
        control.format = layout.pngFormat
        // The stride fits Int32: libpng has already rejected widths above PNG_USER_WIDTH_MAX (10⁶).
        var pixels = [UInt8](repeating: 0, count: byteCount)
        let status = pixels.withUnsafeMutableBytes {
            png_image_finish_read(&control, nil, $0.baseAddress, Int32(width * layout.channelCount), nil)
        }
        try check(status, control, source: source, operation: "read")
        return try Image(width: width, height: height, layout: layout, pixels: pixels)
    }

    /// A zeroed `png_image` describing `image` for libpng's writers.
    private static func makeControl(for image: Image) -> png_image {
        var control = png_image()
        control.version = png_uint_32(PNG_IMAGE_VERSION)
        control.width = png_uint_32(image.width)
        control.height = png_uint_32(image.height)
        control.format = image.layout.pngFormat
        return control
    }

    /// The row stride as libpng's `png_int_32`, or an error for rows that do not fit.
    private static func int32RowStride(of image: Image, source: String) throws -> Int32 {
        guard let stride = Int32(exactly: image.rowStride), UInt32(exactly: image.height) != nil else {
            throw ImagingError.unsupportedDimensions(
                source: source, detail: "\(image.width)×\(image.height): rows exceed \(Int32.max) bytes")
        }
        return stride
    }

    /// Throws `.libpngFailure` with libpng's message when a call returned 0 or recorded an error.
    /// Warnings (`PNG_IMAGE_WARNING`) on a successful call are not failures.
    private static func check(_ status: Int32, _ control: png_image, source: String, operation: String) throws {
        guard status == 0 || control.warning_or_error & 3 >= PNG_IMAGE_ERROR else { return }
        let message = withUnsafeBytes(of: control.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        throw ImagingError.libpngFailure(
            source: source, operation: operation, libpngMessage: message.isEmpty ? "no message" : message)
    }
}

extension PixelLayout {
    /// The libpng simplified-API sample format for this layout (8-bit, sRGB).
    var pngFormat: png_uint_32 {
        switch self {
        case .gray: png_uint_32(PNG_FORMAT_GRAY)
        case .rgb: png_uint_32(PNG_FORMAT_RGB)
        case .rgba: png_uint_32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)  // PNG_FORMAT_RGBA, not imported
        }
    }

    /// The layout that keeps a file's channels: alpha → RGBA, colour → RGB, otherwise gray.
    init(pngFormat: png_uint_32) {
        if pngFormat & png_uint_32(PNG_FORMAT_FLAG_ALPHA) != 0 {
            self = .rgba
        } else if pngFormat & png_uint_32(PNG_FORMAT_FLAG_COLOR) != 0 {
            self = .rgb
        } else {
            self = .gray
        }
    }
}
