import Testing
@testable import Imaging

@Suite("Image grids")
struct ImageGridTests {
    /// A solid gray image of the given size and level.
    static func tile(_ width: Int, _ height: Int, level: UInt8) throws -> Image {
        try Image(width: width, height: height, layout: .gray, filledWith: [level])
    }

    @Test("cells sit at (c × (cellWidth + spacing), r × (cellHeight + spacing)) with background between")
    func layout() throws {
        let images = try (0..<5).map { try Self.tile(4, 3, level: UInt8(10 * ($0 + 1))) }
        let grid = try ImageGrid.compose(images, columns: 3, spacing: 2, background: [255])
        #expect(grid.width == 3 * 4 + 2 * 2 && grid.height == 2 * 3 + 1 * 2 && grid.layout == .gray)
        for (index, _) in images.enumerated() {
            let (row, column) = (index / 3, index % 3)
            let (x0, y0) = (column * 6, row * 5)
            #expect(grid.pixel(x: x0, y: y0) == [UInt8(10 * (index + 1))])
            #expect(grid.pixel(x: x0 + 3, y: y0 + 2) == [UInt8(10 * (index + 1))])
        }
        for x in 0..<grid.width { #expect(grid.pixel(x: x, y: 3) == [255] && grid.pixel(x: x, y: 4) == [255]) }
        for y in 0..<grid.height { #expect(grid.pixel(x: 4, y: y) == [255] && grid.pixel(x: 5, y: y) == [255]) }
        #expect(grid.pixel(x: 12, y: 5) == [255], "the missing sixth cell is background")
    }

    @Test("smaller images are centred in their cells (offset rounded down)")
    func centring() throws {
        let grid = try ImageGrid.compose(
            rows: [[try Self.tile(5, 4, level: 1), try Self.tile(2, 1, level: 2)]], spacing: 0, background: [0])
        #expect(grid.width == 10 && grid.height == 4)
        let cell = (5..<10).flatMap { x in (0..<4).map { y in (x, y) } }
        let marked = cell.filter { grid.pixel(x: $0.0, y: $0.1) == [2] }.map { [$0.0, $0.1] }
        #expect(marked == [[6, 1], [7, 1]])   // x offset (5 − 2) / 2 = 1, y offset (4 − 1) / 2 = 1
    }

    @Test("RGB grids copy whole pixels with their channels")
    func colour() throws {
        let a = try ImagingFixtures.randomImage(layout: .rgb, width: 3, height: 2, seed: 1)
        let b = try ImagingFixtures.randomImage(layout: .rgb, width: 3, height: 2, seed: 2)
        let grid = try ImageGrid.compose(rows: [[a], [b]], spacing: 1, background: [9, 8, 7])
        #expect(grid.pixel(x: 2, y: 1) == a.pixel(x: 2, y: 1))
        #expect(grid.pixel(x: 1, y: 3) == b.pixel(x: 1, y: 0))
        #expect(grid.pixel(x: 0, y: 2) == [9, 8, 7])
    }

    @Test("bad grids are .invalidGrid")
    func invalid() throws {
        let gray = try Self.tile(2, 2, level: 0)
        let rgb = try ImagingFixtures.randomImage(layout: .rgb, width: 2, height: 2, seed: 0)
        let cases: [() throws -> Image] = [
            { try ImageGrid.compose(rows: [], background: [0]) },
            { try ImageGrid.compose(rows: [[gray], []], background: [0]) },
            { try ImageGrid.compose(rows: [[gray, rgb]], background: [0]) },
            { try ImageGrid.compose(rows: [[gray]], spacing: -1, background: [0]) },
            { try ImageGrid.compose(rows: [[gray]], background: [0, 0, 0]) },
            { try ImageGrid.compose([gray], columns: 0, background: [0]) },
        ]
        for make in cases {
            #expect {
                _ = try make()
            } throws: { error in
                guard case .invalidGrid? = error as? ImagingError else { return false }
                return true
            }
        }
    }

    @Test("a grid beyond the size limit, or whose side overflows Int, is .unsupportedDimensions",
          arguments: [(2, Int.max / 2), (3, Int.max)])
    func tooLarge(cells: Int, spacing: Int) throws {
        let row = try [Image](repeating: Self.tile(1, 1, level: 0), count: cells)
        #expect {
            _ = try ImageGrid.compose(rows: [row], spacing: spacing, background: [0])
        } throws: { error in
            guard case .unsupportedDimensions? = error as? ImagingError else { return false }
            return true
        }
    }
}
