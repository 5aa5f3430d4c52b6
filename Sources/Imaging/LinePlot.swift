/// A line chart of one or more named series over a shared numeric x axis, with ticks, axis labels,
/// a title and a legend on the right.
///
/// Series are drawn in order with colours from a fixed palette; points are joined in the order given,
/// and marked with dots when a series has at most ``markerLimit`` points (so a single point is visible).
///
/// ```swift
/// let plot = LinePlot(title: "Edit loss", xLabel: "step", yLabel: "loss",
///                     series: [.init(name: "ROME", values: romeLosses), .init(name: "MEMIT", values: memitLosses)])
/// try plot.write(to: URL(filePath: "loss.svg"))
/// ```
public struct LinePlot: SVGPlot {
    /// One named polyline.
    public struct Series: Sendable, Hashable {
        /// Legend text.
        public var name: String
        /// Horizontal coordinates, one per point.
        public var x: [Double]
        /// Vertical coordinates, one per point.
        public var y: [Double]

        /// A series with explicit coordinates (`x.count` must equal `y.count`, checked when drawing).
        public init(name: String, x: [Double], y: [Double]) {
            self.name = name
            self.x = x
            self.y = y
        }

        /// A series of `values` at x = 0, 1, 2, … (for example a loss per step).
        public init(name: String, values: [Double]) {
            self.init(name: name, x: values.indices.map(Double.init), y: values)
        }
    }

    /// Series with more points than this are drawn without dot markers.
    public static let markerLimit = 64

    /// Text above the chart.
    public var title: String
    /// Label of the horizontal axis.
    public var xLabel: String
    /// Label of the vertical axis.
    public var yLabel: String
    /// The lines, drawn in order; the legend lists them in the same order.
    public var series: [Series]
    /// Document size in pixels.
    public var width: Int
    public var height: Int

    /// A plot description; nothing is checked until ``svg()`` draws it.
    public init(title: String, xLabel: String, yLabel: String, series: [Series], width: Int = 720, height: Int = 420) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.width = width
        self.height = height
    }

    /// The SVG document.
    /// - Throws: ``ImagingError/invalidPlot(reason:)`` when there are no series, a series is empty, its
    ///   `x` and `y` differ in length, a value is not finite, or the size is too small to draw in.
    public func svg() throws -> String {
        guard !series.isEmpty else { throw ImagingError.invalidPlot(reason: "line plot '\(title)' has no series") }
        for item in series {
            guard !item.x.isEmpty, item.x.count == item.y.count else {
                let counts = "found \(item.x.count) and \(item.y.count)"
                throw ImagingError.invalidPlot(
                    reason: "series '\(item.name)': expected equal, non-zero x and y counts, \(counts)")
            }
        }
        let area = PlotArea(left: 80, top: 50, right: Double(width) - 170, bottom: Double(height) - 60)
        let context = "line plot '\(title)'"
        let xAxis = try validatedAxis(values: series.flatMap(\.x), description: "\(context) x values", area: area)
        let yAxis = try validatedAxis(values: series.flatMap(\.y), description: "\(context) y values", area: area)
        var canvas = SVGCanvas(width: width, height: height)
        canvas.drawTitle(title, over: area)
        canvas.drawVerticalAxis(yAxis, in: area, label: yLabel)
        canvas.drawHorizontalAxis(xAxis, in: area, label: xLabel)
        for (index, item) in series.enumerated() {
            let color = SVGCanvas.palette[index % SVGCanvas.palette.count]
            let points = zip(item.x, item.y).map {
                (x: xAxis.position(of: $0, from: area.left, to: area.right),
                 y: yAxis.position(of: $1, from: area.bottom, to: area.top))
            }
            canvas.polyline(points, stroke: color)
            if points.count <= LinePlot.markerLimit {
                for point in points { canvas.circle(x: point.x, y: point.y, radius: 3, fill: color) }
            }
            let legendY = area.top + 10 + Double(index) * 20
            canvas.line(area.right + 15, legendY, area.right + 35, legendY, stroke: color)
            canvas.text(item.name, x: area.right + 42, y: legendY + 4, anchor: "start")
        }
        return canvas.document()
    }
}
