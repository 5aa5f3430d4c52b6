import Foundation
import TestSupport
import Testing
@testable import Imaging

@Suite("PNG round trips through libpng")
struct PNGRoundTripTests {
    static let sizes = [(1, 1), (37, 23), (64, 64)]

    @Test("file write then read gives back every byte", arguments: PixelLayout.allCases)
    func fileRoundTrip(layout: PixelLayout) throws {
        try TemporaryDirectory.with(label: "imaging-tests") { directory in
            for (index, (width, height)) in Self.sizes.enumerated() {
                let image = try ImagingFixtures.randomImage(
                    layout: layout, width: width, height: height, seed: UInt64(index))
                let url = directory.appendingPathComponent("image-\(index).png")
                try PNGCodec.write(image, to: url)
                #expect(try PNGCodec.read(contentsOf: url) == image)
            }
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(leftovers.sorted() == ["image-0.png", "image-1.png", "image-2.png"], "no temporary files remain")
        }
    }

    @Test("memory encode then decode gives back every byte", arguments: PixelLayout.allCases)
    func memoryRoundTrip(layout: PixelLayout) throws {
        for (index, (width, height)) in Self.sizes.enumerated() {
            let image = try ImagingFixtures.randomImage(
                layout: layout, width: width, height: height, seed: 100 + UInt64(index))
            let data = try PNGCodec.encode(image)
            #expect(Array(data.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            #expect(try PNGCodec.decode(data) == image)
        }
    }

    @Test("a file and the in-memory encoding decode to the same image")
    func fileMatchesMemory() throws {
        let image = try ImagingFixtures.randomImage(layout: .rgb, width: 9, height: 5, seed: 7)
        try TemporaryDirectory.with(label: "imaging-tests") { directory in
            let url = directory.appendingPathComponent("same.png")
            try PNGCodec.write(image, to: url)
            let fileBytes = [UInt8](try Data(contentsOf: url))
            #expect(try PNGCodec.decode(fileBytes) == PNGCodec.decode(try PNGCodec.encode(image)))
        }
    }

    @Test("writing over an existing file replaces it")
    func overwrite() throws {
        try TemporaryDirectory.with(label: "imaging-tests") { directory in
            let url = directory.appendingPathComponent("replace.png")
            try PNGCodec.write(try Image(width: 3, height: 3, layout: .gray, filledWith: [10]), to: url)
            let second = try ImagingFixtures.randomImage(layout: .rgba, width: 4, height: 2, seed: 3)
            try PNGCodec.write(second, to: url)
            #expect(try PNGCodec.read(contentsOf: url) == second)
        }
    }

    @Test("reading with a requested layout converts: gray to RGB repeats, RGBA to RGB composites on black")
    func layoutConversion() throws {
        let gray = try Image(width: 2, height: 1, layout: .gray, pixels: [0, 200])
        let asRGB = try PNGCodec.decode(try PNGCodec.encode(gray), as: .rgb)
        #expect(asRGB.layout == .rgb && asRGB.pixels == [0, 0, 0, 200, 200, 200])
        let rgba = try Image(width: 2, height: 1, layout: .rgba, pixels: [10, 20, 30, 255, 90, 90, 90, 0])
        let opaque = try PNGCodec.decode(try PNGCodec.encode(rgba), as: .rgb)
        #expect(opaque.pixels == [10, 20, 30, 0, 0, 0])
    }

    @Test("writing into a missing directory names the file and libpng's reason")
    func writeIntoMissingDirectory() throws {
        let image = try Image(width: 1, height: 1, layout: .gray, pixels: [0])
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/out.png")
        #expect {
            try PNGCodec.write(image, to: url)
        } throws: { error in
            guard case .libpngFailure(let source, let operation, let message)? = error as? ImagingError else {
                return false
            }
            return source == url.path && operation == "write" && message.contains("No such file")
        }
    }
}
