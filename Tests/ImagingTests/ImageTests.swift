import Testing
@testable import Imaging

@Suite("Image value type")
struct ImageTests {
    @Test("pixels are row-major and interleaved")
    func addressing() throws {
        let pixels: [UInt8] = (0..<2 * 3 * 3).map(UInt8.init)
        let image = try Image(width: 3, height: 2, layout: .rgb, pixels: pixels)
        #expect(image.rowStride == 9)
        #expect(image.pixel(x: 0, y: 0) == [0, 1, 2])
        #expect(image.pixel(x: 2, y: 0) == [6, 7, 8])
        #expect(image.pixel(x: 1, y: 1) == [12, 13, 14])
    }

    @Test("a filled image repeats the colour in every pixel", arguments: PixelLayout.allCases)
    func filled(layout: PixelLayout) throws {
        let color = (0..<layout.channelCount).map { UInt8(40 + $0) }
        let image = try Image(width: 4, height: 3, layout: layout, filledWith: color)
        #expect(image.pixels == Array([[UInt8]](repeating: color, count: 12).joined()))
    }

    @Test("a wrong pixel count is .pixelCountMismatch with expected and found")
    func wrongCount() {
        #expect(throws: ImagingError.pixelCountMismatch(expected: 12, found: 11)) {
            try Image(width: 2, height: 2, layout: .rgb, pixels: [UInt8](repeating: 0, count: 11))
        }
        #expect(throws: ImagingError.pixelCountMismatch(expected: 4, found: 3)) {
            try Image(width: 2, height: 2, layout: .rgba, filledWith: [1, 2, 3])
        }
    }

    @Test("zero, negative and oversized sides are .unsupportedDimensions",
          arguments: [(0, 5), (5, 0), (-1, 5), (Int.max, 2), (65_536, 32_768)])
    func badSides(width: Int, height: Int) {
        #expect {
            try Image(width: width, height: height, layout: .rgb, pixels: [])
        } throws: { error in
            guard case .unsupportedDimensions(_, let detail)? = error as? ImagingError else { return false }
            return detail.contains("\(width)×\(height)×3")
        }
    }

    @Test("layouts map to and from channel counts")
    func layouts() {
        #expect(PixelLayout.allCases.map(\.channelCount) == [1, 3, 4])
        #expect([1, 2, 3, 4, 5].map(PixelLayout.init(channelCount:)) == [.gray, nil, .rgb, .rgba, nil])
    }
}
