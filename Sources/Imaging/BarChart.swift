import Foundation

/// A vertical bar chart: one bar per labelled value, drawn from zero (so negative values hang below the
/// zero line), with the value printed at the bar's end, a numeric vertical axis, a title and an axis label.
///
/// Labels go under their bars, horizontally, or turned by 30° when the longest label would not fit
/// its slot (estimated at 7 pixels per character).
///
/// ```swift
/// let chart = BarChart(title: "Efficacy", valueLabel: "success rate",
///                      bars: [.init(label: "ROME", value: 0.97), .init(label: "MEMIT", value: 0.92)])
/// try chart.write(to: URL(filePath: "efficacy.svg"))
/// ```
public struct BarChart: SVGPlot {
    /// One labelled value.
    public struct Bar: Sendable, Hashable {
        /// Text under the bar.
        public var label: String
        /// Height of the bar, from zero.
        public var value: Double

        /// A bar; the value is checked to be finite when drawing.
        public init(label: String, value: Double) {
            self.label = label
            self.value = value
        }
    }

    /// Text above the chart.
    public var title: String
    /// Label of the vertical (value) axis.
    public var valueLabel: String
    /// The bars, left to right.
    public var bars: [Bar]
    /// Document size in pixels.
    public var width: Int
    public var height: Int

    /// A chart description; nothing is checked until ``svg()`` draws it.
    public init(title: String, valueLabel: String, bars: [Bar], width: Int = 720, height: Int = 420) {
        self.title = title
        self.valueLabel = valueLabel
        self.bars = bars
        self.width = width
        self.height = height
    }

    /// The SVG document.
    /// - Throws: ``ImagingError/invalidPlot(reason:)`` when there are no bars, a value is not finite, or
    ///   the size is too small to draw in.
    public func svg() throws -> String {
        guard !bars.isEmpty else { throw ImagingError.invalidPlot(reason: "bar chart '\(title)' has no bars") }
        let area = PlotArea(left: 80, top: 50, right: Double(width) - 20, bottom: Double(height) - 80)
        let axis = try validatedAxis(
            values: bars.map(\.value) + [0], description: "bar chart '\(title)' values", area: area)
        var canvas = SVGCanvas(width: width, height: height)
        canvas.drawTitle(title, over: area)
        canvas.drawVerticalAxis(axis, in: area, label: valueLabel)
        let slot = (area.right - area.left) / Double(bars.count)
        let longestLabel = bars.map(\.label.count).max() ?? 0
        let turnLabels = Double(longestLabel) * 7 > slot
        let zero = axis.position(of: 0, from: area.bottom, to: area.top)
        for (index, bar) in bars.enumerated() {
            let center = area.left + (Double(index) + 0.5) * slot
            let end = axis.position(of: bar.value, from: area.bottom, to: area.top)
            canvas.rect(x: center - 0.35 * slot, y: min(zero, end), width: 0.7 * slot, height: abs(zero - end),
                        fill: SVGCanvas.palette[0])
            canvas.text(String(format: "%g", bar.value), x: center, y: bar.value < 0 ? end + 14 : end - 5, size: 11)
            canvas.text(bar.label, x: center, y: area.bottom + 18, anchor: turnLabels ? "end" : "middle",
                        rotation: turnLabels ? -30 : 0)
        }
        canvas.line(area.left, zero, area.right, zero)
        return canvas.document()
    }
}
