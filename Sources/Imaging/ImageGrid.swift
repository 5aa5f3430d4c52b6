/// Composes images into one grid image, for comparing generations side by side (for example one row
/// per prompt and one column per seed).
///
/// Every cell is as wide as the widest image and as tall as the tallest; an image smaller than its
/// cell is centred in it (rounding its offset down), and the rest of the cell shows the background.
/// Cells are separated by `spacing` background pixels; there is no outer border. The cell in row `r`,
/// column `c` has its top-left corner at `(c × (cellWidth + spacing), r × (cellHeight + spacing))`.
/// The grid is as wide as the longest row; shorter rows leave background on the right.
///
/// ```swift
/// let sheet = try ImageGrid.compose(rows: [seedsOfPromptA, seedsOfPromptB], spacing: 4,
///                                   background: [255, 255, 255])
/// ```
public enum ImageGrid {
    /// Composes `rows` (outer array: grid rows, top to bottom; inner: cells, left to right).
    /// - Parameters:
    ///   - rows: at least one row, each with at least one image, all images of one ``PixelLayout``.
    ///   - spacing: background pixels between neighbouring cells (≥ 0).
    ///   - background: one byte per channel of the images' layout.
    /// - Throws: ``ImagingError/invalidGrid(reason:)`` for no rows, an empty row, mixed layouts, negative
    ///   spacing or a background of the wrong channel count; ``ImagingError/unsupportedDimensions(source:detail:)``
    ///   when the grid would exceed ``Image/maximumByteCount``.
    /// - Complexity: O(grid width × grid height × channels).
    public static func compose(rows: [[Image]], spacing: Int = 0, background: [UInt8]) throws -> Image {
        guard let first = rows.first?.first else { throw ImagingError.invalidGrid(reason: "no images") }
        if let empty = rows.firstIndex(where: \.isEmpty) {
            throw ImagingError.invalidGrid(reason: "row \(empty) has no images")
        }
        let layout = first.layout
        if let odd = rows.joined().first(where: { $0.layout != layout }) {
            throw ImagingError.invalidGrid(
                reason: "mixed layouts: expected \(layout) for every image, found \(odd.layout)")
        }
        guard spacing >= 0 else { throw ImagingError.invalidGrid(reason: "spacing \(spacing) is negative") }
        guard background.count == layout.channelCount else {
            throw ImagingError.invalidGrid(
                reason: "background has \(background.count) channels, expected \(layout.channelCount) for \(layout)")
        }
        let cellWidth = rows.joined().map(\.width).max() ?? 0
        let cellHeight = rows.joined().map(\.height).max() ?? 0
        let columnCount = rows.map(\.count).max() ?? 0
        var grid = try Image(
            width: try side(cells: columnCount, cellSize: cellWidth, spacing: spacing),
            height: try side(cells: rows.count, cellSize: cellHeight, spacing: spacing),
            layout: layout, filledWith: background)
        for (rowIndex, row) in rows.enumerated() {
            for (columnIndex, image) in row.enumerated() {
                let x = columnIndex * (cellWidth + spacing) + (cellWidth - image.width) / 2
                let y = rowIndex * (cellHeight + spacing) + (cellHeight - image.height) / 2
                grid.paste(image, x: x, y: y)
            }
        }
        return grid
    }

    /// Composes `images` row by row, `columns` per row (the last row may be shorter).
    /// - Throws: ``ImagingError/invalidGrid(reason:)`` when `columns` is below 1, and everything
    ///   ``compose(rows:spacing:background:)`` throws.
    public static func compose(
        _ images: [Image], columns: Int, spacing: Int = 0, background: [UInt8]
    ) throws -> Image {
        guard columns >= 1 else { throw ImagingError.invalidGrid(reason: "columns \(columns) is below 1") }
        let rows = stride(from: 0, to: images.count, by: columns).map {
            Array(images[$0..<min($0 + columns, images.count)])
        }
        return try compose(rows: rows, spacing: spacing, background: background)
    }

    /// `cells × cellSize + (cells − 1) × spacing`, or an error when it overflows `Int`.
    private static func side(cells: Int, cellSize: Int, spacing: Int) throws -> Int {
        let (content, overflow1) = cells.multipliedReportingOverflow(by: cellSize)
        let (gaps, overflow2) = (cells - 1).multipliedReportingOverflow(by: spacing)
        let (total, overflow3) = content.addingReportingOverflow(gaps)
        guard !overflow1, !overflow2, !overflow3 else {
            throw ImagingError.unsupportedDimensions(
                source: "<grid>", detail: "\(cells) cells of \(cellSize) pixels with spacing \(spacing) overflow")
        }
        return total
    }
}
