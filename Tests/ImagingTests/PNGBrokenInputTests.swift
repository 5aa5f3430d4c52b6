import Foundation
import TestSupport
import Testing
import Tensors
@testable import Imaging

/// Every kind of broken PNG input, read both from a file and from memory, must give its own typed
/// error naming the source, and never crash.
@Suite("PNG reading rejects broken input with typed errors")
struct PNGBrokenInputTests {
    /// The two ways in: `png_image_begin_read_from_file` and `png_image_begin_read_from_memory`.
    enum Reader: String, CaseIterable, CustomTestStringConvertible {
        case file, memory
        var testDescription: String { rawValue }

        /// Reads `bytes` this way and returns the error thrown, with the source name it must carry.
        func error(reading bytes: [UInt8]) throws -> (error: ImagingError?, source: String) {
            switch self {
            case .memory:
                return (Self.capture { try PNGCodec.decode(bytes) }, PNGCodec.memorySource)
            case .file:
                return try TemporaryDirectory.with(label: "imaging-tests") { directory in
                    let url = directory.appendingPathComponent("broken.png")
                    try Data(bytes).write(to: url)
                    return (Self.capture { try PNGCodec.read(contentsOf: url) }, url.path)
                }
            }
        }

        private static func capture(_ read: () throws -> Image) -> ImagingError? {
            do {
                _ = try read()
                return nil
            } catch {
                return error as? ImagingError
            }
        }
    }

    /// A valid 64×64 RGB PNG of random pixels (its IDAT holds about 12 KB).
    static func validPNG() throws -> [UInt8] {
        try PNGCodec.encode(try ImagingFixtures.randomImage(layout: .rgb, width: 64, height: 64, seed: 11))
    }

    /// `png` with one byte inverted in the middle of its first IDAT chunk, optionally with the CRC repaired
    /// so that only the compressed data is wrong.
    static func flippingIDATByte(repairingCRC: Bool) throws -> [UInt8] {
        var png = try validPNG()
        let idat = try #require(ImagingFixtures.chunks(of: png).first { $0.type == "IDAT" })
        png[idat.dataStart + idat.length / 2] ^= 0xFF
        if repairingCRC { ImagingFixtures.repairCRC(of: idat, in: &png) }
        return png
    }

    /// `png` whose IHDR claims `width × height`, with a correct CRC so libpng reads the header.
    static func claimingSize(width: UInt32, height: UInt32) throws -> [UInt8] {
        var png = try validPNG()
        let ihdr = try #require(ImagingFixtures.chunks(of: png).first)
        #expect(ihdr.type == "IHDR")
        ImagingFixtures.setBigEndianUInt32(width, in: &png, at: ihdr.dataStart)
        ImagingFixtures.setBigEndianUInt32(height, in: &png, at: ihdr.dataStart + 4)
        ImagingFixtures.repairCRC(of: ihdr, in: &png)
        return png
    }

    @Test("a missing file is .fileNotFound naming the path")
    func missingFile() throws {
        let path = "/tmp/imaging-missing-\(UUID().uuidString).png"
        #expect(throws: ImagingError.fileNotFound(path: path)) {
            try PNGCodec.read(contentsOf: URL(fileURLWithPath: path))
        }
    }

    @Test("a directory is a libpng read failure naming the path")
    func directory() throws {
        try TemporaryDirectory.with(label: "imaging-tests") { directory in
            #expect(throws: ImagingError.libpngFailure(
                source: directory.path, operation: "read", libpngMessage: "the path is a directory")) {
                try PNGCodec.read(contentsOf: directory)
            }
        }
    }

    @Test("zero bytes are .emptyInput", arguments: Reader.allCases)
    func empty(reader: Reader) throws {
        let (error, source) = try reader.error(reading: [])
        #expect(error == .emptyInput(source: source))
    }

    @Test("random bytes, long or shorter than the signature, are .notPNG", arguments: Reader.allCases)
    func randomBytes(reader: Reader) throws {
        var generator = RandomGenerator(seed: 5)
        let bytes = (0..<4096).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        for input in [bytes, [1, 2, 3]] {
            let (error, source) = try reader.error(reading: input)
            guard case .notPNG(source, _)? = error else {
                Issue.record("\(input.count) bytes: expected .notPNG from \(source), got \(String(describing: error))")
                continue
            }
        }
    }

    @Test("a PNG cut in the middle, in its header or inside its signature is .truncatedPNG", arguments: Reader.allCases)
    func truncated(reader: Reader) throws {
        let png = try Self.validPNG()
        // png.count − 13 cuts the last byte of the final IDAT's CRC (IEND is the last 12 bytes).
        for cut in [png.count / 2, png.count - 13, 20, 8, 5] {
            let (error, source) = try reader.error(reading: Array(png.prefix(cut)))
            guard case .truncatedPNG(source, _)? = error else {
                Issue.record("cut at \(cut): expected .truncatedPNG from \(source), got \(String(describing: error))")
                continue
            }
        }
    }

    @Test("a PNG cut only inside its IEND chunk still decodes: every pixel was read", arguments: Reader.allCases)
    func missingEnd(reader: Reader) throws {
        let image = try ImagingFixtures.randomImage(layout: .rgb, width: 64, height: 64, seed: 11)
        let png = try PNGCodec.encode(image)
        #expect(try reader.error(reading: Array(png.prefix(png.count - 12))).error == nil)
        #expect(try PNGCodec.decode(Array(png.prefix(png.count - 6))) == image)
    }

    @Test("a flipped IDAT byte is .corruptedPNG reporting the CRC error", arguments: Reader.allCases)
    func flippedByteBadCRC(reader: Reader) throws {
        let (error, source) = try reader.error(reading: try Self.flippingIDATByte(repairingCRC: false))
        guard case .corruptedPNG(source, let message)? = error else {
            Issue.record("expected .corruptedPNG from \(source), got \(String(describing: error))")
            return
        }
        #expect(message.contains("CRC"))
    }

    @Test("a flipped IDAT byte under a repaired CRC is .corruptedPNG from inflate", arguments: Reader.allCases)
    func flippedByteRepairedCRC(reader: Reader) throws {
        let (error, source) = try reader.error(reading: try Self.flippingIDATByte(repairingCRC: true))
        guard case .corruptedPNG(source, let message)? = error else {
            Issue.record("expected .corruptedPNG from \(source), got \(String(describing: error))")
            return
        }
        #expect(!message.contains("CRC"))
    }

    @Test("an IHDR claiming 100000×100000 is .unsupportedDimensions before any allocation", arguments: Reader.allCases)
    func hugeDimensions(reader: Reader) throws {
        let (error, source) = try reader.error(reading: try Self.claimingSize(width: 100_000, height: 100_000))
        guard case .unsupportedDimensions(source, let detail)? = error else {
            Issue.record("expected .unsupportedDimensions from \(source), got \(String(describing: error))")
            return
        }
        #expect(detail.contains("100000×100000×3") && detail.contains("\(Image.maximumByteCount)"))
    }

    @Test("an IHDR with a zero side or one beyond libpng's limit is .unsupportedDimensions",
          arguments: Reader.allCases, [(UInt32(0), UInt32(64)), (64, 0), (5_000_000, 1)])
    func invalidHeaderDimensions(reader: Reader, size: (width: UInt32, height: UInt32)) throws {
        let png = try Self.claimingSize(width: size.width, height: size.height)
        let (error, source) = try reader.error(reading: png)
        guard case .unsupportedDimensions(source, let detail)? = error else {
            Issue.record("\(size): expected .unsupportedDimensions from \(source), got \(String(describing: error))")
            return
        }
        #expect(detail.contains("IHDR declares \(size.width)×\(size.height)") && detail.contains("libpng: "))
    }

    @Test("an IHDR with an invalid colour type is .corruptedPNG, not a dimension error")
    func invalidColorType() throws {
        var png = try Self.validPNG()
        let ihdr = try #require(ImagingFixtures.chunks(of: png).first)
        png[ihdr.dataStart + 9] = 7   // colour types are 0, 2, 3, 4 and 6
        ImagingFixtures.repairCRC(of: ihdr, in: &png)
        guard case .corruptedPNG(_, let message)? = try Reader.memory.error(reading: png).error else {
            Issue.record("expected .corruptedPNG")
            return
        }
        #expect(message.contains("IHDR"))
    }

    @Test("error descriptions name the source and libpng's message")
    func descriptions() throws {
        let (error, source) = try Reader.file.error(reading: try Self.flippingIDATByte(repairingCRC: false))
        let text = try #require(error).description
        #expect(text.contains(source) && text.contains("libpng: ") && text.contains("CRC"))
    }
}
