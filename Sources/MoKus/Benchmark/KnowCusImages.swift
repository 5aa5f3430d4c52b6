import Foundation
import Imaging
import Tensors

/// The images behind a run's per-concept grids: for concept c, the first few concept images
/// (`images/c<c>/concept-<i>.png`) and the first seed's image of every method, phrase and prompt
/// (`images/c<c>/anchor-m0-q<q>.png` for the reference row, `images/c<c>/s<k>-m<m>-q<q>.png` for
/// statement k under method m, m indexing ``KnowCusRunInfo/methods``). Shards write theirs beside
/// their shard file, so `mokus bench merge` composes the same grids an unsharded run does.
public struct KnowCusImages {
    /// Relative path → image `[3, H, W]` in [0, 1].
    public private(set) var images: [String: Tensor] = [:]

    public init() {}

    /// Grid cells are enlarged to at least this side (the world's 32-pixel images 3×)…
    static let smallestSide = 96
    /// …and images wider than this are scaled down to it.
    static let largestSide = 256

    static func path(concept: Int, statement: Int?, method: Int, prompt: Int) -> String {
        "images/c\(concept)/" + (statement.map { "s\($0)" } ?? "anchor") + "-m\(method)-q\(prompt).png"
    }

    static func conceptPath(_ concept: Int, _ image: Int) -> String { "images/c\(concept)/concept-\(image).png" }

    /// Keeps the first image of `batch` (`[seeds, 3, H, W]`).
    mutating func add(_ batch: Tensor, concept: Int, statement: Int?, method: Int, prompt: Int) {
        images[Self.path(concept: concept, statement: statement, method: method, prompt: prompt)] =
            batch.slice(axis: 0, 0..<1).reshaped(Array(batch.shape.dropFirst()))
    }

    /// Keeps the first `count` concept images of `batch` (`[M, 3, H, W]`).
    mutating func addConcept(_ concept: Int, images batch: Tensor, count: Int) {
        for i in 0..<min(count, batch.shape[0]) {
            images[Self.conceptPath(concept, i)] = batch.slice(axis: 0, i..<(i + 1)).reshaped(Array(batch.shape.dropFirst()))
        }
    }

    /// Writes every image as a PNG under `folder` (each through a temporary file).
    ///
    /// - Throws: ``Imaging/ImagingError`` from the encoder and the writes.
    public func write(into folder: URL) throws {
        for (path, image) in images.sorted(by: { $0.key < $1.key }) {
            let url = folder.appending(path: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try PNGCodec.write(try Image(tensor: image, range: .zeroToOne), to: url)
        }
    }

    /// Concept c's grid (`grid-c<c>.png`) from the images under `folder`: row 1 the concept images,
    /// row 2 the reference (the anchor in every prompt), then per statement one row per method
    /// (its phrase in every prompt), prompts in ``KnowCusRunInfo/Concept/prompts`` order.
    ///
    /// - Throws: ``MoKusError/shardMismatch(file:reason:)`` for an image no shard wrote.
    static func grid(concept c: Int, info: KnowCusRunInfo, folder: URL) throws -> Image {
        let concept = info.concepts[c]
        let prompts = concept.prompts.indices
        func read(_ path: String) throws -> Image {
            let url = folder.appending(path: path)
            do {
                return try cell(try PNGCodec.read(contentsOf: url))
            } catch {
                throw MoKusError.shardMismatch(
                    file: url.path(percentEncoded: false), reason: "the image of this cell is missing or unreadable; rerun its shard")
            }
        }
        var rows = [try (0..<min(prompts.count, concept.images)).map { try read(conceptPath(c, $0)) }]
        rows.append(try prompts.map { try read(path(concept: c, statement: nil, method: 0, prompt: $0)) })
        for k in concept.knowledge.indices {
            for m in info.methods.indices.dropFirst() {
                rows.append(try prompts.map { try read(path(concept: c, statement: k, method: m, prompt: $0)) })
            }
        }
        let spacing = max(2, rows[0][0].width / 16)
        return try ImageGrid.compose(rows: rows, spacing: spacing, background: [255, 255, 255])
    }

    /// An image at grid size: small ones enlarged by whole pixels, large ones scaled down.
    static func cell(_ image: Image) throws -> Image {
        if image.width < smallestSide { return try image.enlarged(by: (smallestSide + image.width - 1) / image.width) }
        if image.width > largestSide {
            return try image.resizedToFill(width: largestSide, height: max(1, image.height * largestSide / image.width))
        }
        return image
    }
}
