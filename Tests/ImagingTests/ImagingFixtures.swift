import Foundation
import Imaging
import Tensors

/// Test inputs built in code: seeded random images, a scratch directory, and PNG byte surgery
/// (chunk lookup and CRC-32 repair) for making broken files.
enum ImagingFixtures {
    /// An image whose bytes come from a seeded generator (the same for every run).
    static func randomImage(layout: PixelLayout, width: Int, height: Int, seed: UInt64) throws -> Image {
        var generator = RandomGenerator(seed: seed)
        let pixels = (0..<width * height * layout.channelCount).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        return try Image(width: width, height: height, layout: layout, pixels: pixels)
    }

    /// The position of a PNG chunk: `start` is the offset of its length field.
    struct Chunk {
        let type: String
        let start: Int
        let length: Int
        /// Offset of the first data byte.
        var dataStart: Int { start + 8 }
        /// Offset of the CRC field.
        var crcStart: Int { dataStart + length }
    }

    /// The chunks of a well-formed PNG, in order.
    static func chunks(of png: [UInt8]) -> [Chunk] {
        var chunks: [Chunk] = []
        var offset = 8
        while offset + 12 <= png.count {
            let length = Int(bigEndianUInt32(png, at: offset))
            let type = String(decoding: png[offset + 4..<offset + 8], as: UTF8.self)
            chunks.append(Chunk(type: type, start: offset, length: length))
            offset += 12 + length
        }
        return chunks
    }

    /// Recomputes the CRC of `chunk` (over its type and data), as a writer would.
    static func repairCRC(of chunk: Chunk, in png: inout [UInt8]) {
        let crc = crc32(png[chunk.start + 4..<chunk.crcStart])
        for index in 0..<4 { png[chunk.crcStart + index] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * index)) }
    }

    /// Stores a big-endian 32-bit value.
    static func setBigEndianUInt32(_ value: UInt32, in png: inout [UInt8], at offset: Int) {
        for index in 0..<4 { png[offset + index] = UInt8(truncatingIfNeeded: value >> (24 - 8 * index)) }
    }

    static func bigEndianUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// CRC-32 (ISO 3309, reflected polynomial 0xEDB88320), the checksum PNG chunks carry.
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
