/// How the channels of one pixel are stored: 1, 3 or 4 bytes, interleaved.
public enum PixelLayout: String, Sendable, Hashable, CaseIterable {
    /// One byte per pixel: luminance.
    case gray
    /// Three bytes per pixel: red, green, blue.
    case rgb
    /// Four bytes per pixel: red, green, blue, straight (not premultiplied) alpha.
    case rgba

    /// Bytes (channels) per pixel.
    public var channelCount: Int {
        switch self {
        case .gray: 1
        case .rgb: 3
        case .rgba: 4
        }
    }

    /// The layout with `channelCount` channels, or `nil` when no layout has that many.
    public init?(channelCount: Int) {
        guard let layout = PixelLayout.allCases.first(where: { $0.channelCount == channelCount }) else { return nil }
        self = layout
    }
}

/// An 8-bit image: `height` rows of `width` pixels, each pixel `layout.channelCount` bytes,
/// stored row-major and interleaved (`R G B R G B …` for ``PixelLayout/rgb``), top row first.
///
/// The byte of channel `c` of the pixel in column `x` and row `y` is at
/// `pixels[(y * width + x) * layout.channelCount + c]`. Colour values are sRGB-encoded, as in PNG.
///
/// ```swift
/// let image = try Image(width: 2, height: 1, layout: .rgb, pixels: [255, 0, 0, 0, 0, 255])
/// try PNGCodec.write(image, to: URL(filePath: "red-blue.png"))
/// ```
///
/// ### See Also
/// - ``PNGCodec`` to read and write PNG files, ``ImageGrid`` to compose images,
///   `init(tensor:range:)` and `tensor(range:)` to convert from and to Float32 tensors.
public struct Image: Sendable, Hashable {
    /// The largest pixel buffer an image may have, in bytes (2³¹). Larger sizes are rejected before
    /// any allocation, so a hostile PNG header cannot make the reader allocate gigabytes.
    public static let maximumByteCount = 1 << 31

    /// Pixels per row (at least 1).
    public let width: Int
    /// Rows (at least 1).
    public let height: Int
    /// Channels per pixel and their meaning.
    public let layout: PixelLayout
    /// `width × height × layout.channelCount` bytes, row-major, interleaved.
    public private(set) var pixels: [UInt8]

    /// An image from its pixel bytes.
    /// - Throws: ``ImagingError/unsupportedDimensions(source:detail:)`` when a side is below 1 or the
    ///   buffer would exceed ``maximumByteCount``; ``ImagingError/pixelCountMismatch(expected:found:)``
    ///   when `pixels` does not hold exactly `width × height × channels` bytes.
    public init(width: Int, height: Int, layout: PixelLayout, pixels: [UInt8]) throws {
        let byteCount = try Image.validatedByteCount(width: width, height: height, layout: layout, source: "<pixels>")
        guard pixels.count == byteCount else {
            throw ImagingError.pixelCountMismatch(expected: byteCount, found: pixels.count)
        }
        self.width = width
        self.height = height
        self.layout = layout
        self.pixels = pixels
    }

    /// An image whose every pixel is `color` (one byte per channel of `layout`).
    /// - Throws: ``ImagingError/unsupportedDimensions(source:detail:)`` for bad sides, and
    ///   ``ImagingError/pixelCountMismatch(expected:found:)`` when `color` has the wrong channel count.
    public init(width: Int, height: Int, layout: PixelLayout, filledWith color: [UInt8]) throws {
        guard color.count == layout.channelCount else {
            throw ImagingError.pixelCountMismatch(expected: layout.channelCount, found: color.count)
        }
        let byteCount = try Image.validatedByteCount(width: width, height: height, layout: layout, source: "<fill>")
        var pixels = [UInt8](repeating: 0, count: byteCount)
        for offset in stride(from: 0, to: byteCount, by: color.count) {
            for channel in 0..<color.count { pixels[offset + channel] = color[channel] }
        }
        try self.init(width: width, height: height, layout: layout, pixels: pixels)
    }

    /// Bytes from one pixel row to the next: `width × layout.channelCount`.
    public var rowStride: Int { width * layout.channelCount }

    /// The channel bytes of the pixel at column `x`, row `y` (a copy).
    /// - Precondition: `0 ≤ x < width` and `0 ≤ y < height`.
    public func pixel(x: Int, y: Int) -> [UInt8] {
        precondition(x >= 0 && x < width && y >= 0 && y < height,
                     "Image.pixel: (\(x), \(y)) is outside \(width)×\(height)")
        let start = y * rowStride + x * layout.channelCount
        return Array(pixels[start..<start + layout.channelCount])
    }

    /// Copies `source` into this image with its top-left corner at column `x`, row `y`.
    /// - Precondition: same layout, and `source` lies entirely inside this image.
    /// - Complexity: O(source.width × source.height).
    mutating func paste(_ source: Image, x: Int, y: Int) {
        precondition(source.layout == layout, "Image.paste: layout \(source.layout) into \(layout)")
        precondition(x >= 0 && y >= 0 && x + source.width <= width && y + source.height <= height,
                     "Image.paste: \(source.width)×\(source.height) at (\(x), \(y)) exceeds \(width)×\(height)")
        let rowBytes = source.rowStride
        for row in 0..<source.height {
            let target = (y + row) * rowStride + x * layout.channelCount
            let from = row * rowBytes
            pixels.replaceSubrange(target..<target + rowBytes, with: source.pixels[from..<from + rowBytes])
        }
    }

    /// Checks the sides and returns `width × height × channels`, without allocating anything.
    /// - Throws: ``ImagingError/unsupportedDimensions(source:detail:)`` naming `source`.
    static func validatedByteCount(width: Int, height: Int, layout: PixelLayout, source: String) throws -> Int {
        let described = "\(width)×\(height)×\(layout.channelCount)"
        guard width >= 1, height >= 1 else {
            throw ImagingError.unsupportedDimensions(
                source: source, detail: "\(described): width and height must be at least 1")
        }
        let (pixelCount, overflow1) = width.multipliedReportingOverflow(by: height)
        let (byteCount, overflow2) = pixelCount.multipliedReportingOverflow(by: layout.channelCount)
        guard !overflow1, !overflow2, byteCount <= maximumByteCount else {
            throw ImagingError.unsupportedDimensions(
                source: source, detail: "\(described) bytes exceeds the limit of \(maximumByteCount) bytes")
        }
        return byteCount
    }
}
