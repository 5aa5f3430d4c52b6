import Testing
import Imaging

@Suite("Image enlarging")
struct ImageEnlargeTests {
    @Test("every pixel becomes a scale × scale block; bad scales are typed errors")
    func enlarge() throws {
        let image = try Image(width: 2, height: 1, layout: .rgb, pixels: [1, 2, 3, 4, 5, 6])
        let large = try image.enlarged(by: 3)
        #expect(large.width == 6 && large.height == 3 && large.layout == .rgb)
        for y in 0..<3 {
            for x in 0..<6 { #expect(large.pixel(x: x, y: y) == (x < 3 ? [1, 2, 3] : [4, 5, 6])) }
        }
        #expect(try image.enlarged(by: 1) == image)
        for scale in [0, -1, 65] { #expect(throws: ImagingError.self) { try image.enlarged(by: scale) } }
    }
}
