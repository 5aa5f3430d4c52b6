import Foundation
import Imaging
import ModelIO
import Tensors

/// The image side of the report folders (`customize`, `create-concept`, `erase`): image batches
/// split into PNGs, grids of enlarged images, and `metrics.json`'s encoding.
package enum ReportImages {
    /// The images of a `[B, 3, H, W]` batch in [0, 1] (none for a tensor of another rank).
    package static func split(_ batch: Tensor) throws -> [Image] {
        guard batch.rank == 4 else { return [] }
        return try (0..<batch.shape[0]).map { b in
            try Image(tensor: batch.slice(axis: 0, b..<(b + 1)).reshaped(Array(batch.shape.dropFirst())), range: .zeroToOne)
        }
    }

    /// One grid row per entry of `rows`, each the images of its batches side by side, every image
    /// enlarged `scale` times; empty rows are left out.
    package static func grid(rows: [[Tensor]], scale: Int) throws -> Image {
        let images = try rows.map { batches in try batches.flatMap { try split($0).map { try $0.enlarged(by: scale) } } }
        return try ImageGrid.compose(rows: images.filter { !$0.isEmpty }, spacing: 2 * scale, background: [255, 255, 255])
    }

    /// Writes each image of `batch` as `folder/<prefix>-s<seed>.png` (`seeds` names them in order).
    package static func write(_ batch: Tensor, seeds: [UInt64], to folder: URL, prefix: String) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (image, seed) in zip(try split(batch), seeds) {
            try PNGCodec.write(image, to: folder.appending(path: "\(prefix)-s\(seed).png"))
        }
    }

    /// `metrics.json`'s bytes: pretty-printed, sorted, snake_case keys.
    package static func json(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(value)
    }
}
