import Foundation

/// A linear axis over "nice" bounds with ticks at 1, 2 or 5 × 10ᵏ steps (Heckbert, *Nice numbers for
/// graph labels*, Graphics Gems, 1990), mapping data values to pixel positions.
struct PlotAxis {
    /// The lowest tick (≤ the smallest data value).
    let lower: Double
    /// The highest tick (≥ the largest data value).
    let upper: Double
    /// Tick step: 1, 2 or 5 times a power of ten.
    let step: Double

    /// An axis covering `minimum...maximum` (finite, `minimum ≤ maximum`) with about `tickCount` ticks.
    /// A single value `v` is widened to `v ± max(|v| / 2, 1)` so the axis still has extent.
    init(minimum: Double, maximum: Double, tickCount: Int = 6) {
        let pad = minimum == maximum ? max(abs(minimum) / 2, 1) : 0
        let (low, high) = (minimum - pad, maximum + pad)
        let span = PlotAxis.niceNumber(high - low, rounding: false)
        step = PlotAxis.niceNumber(span / Double(max(tickCount - 1, 1)), rounding: true)
        lower = (low / step).rounded(.down) * step
        upper = (high / step).rounded(.up) * step
    }

    /// Tick values from ``lower`` to ``upper``, computed by multiplication so no error accumulates.
    var ticks: [Double] {
        let count = Int(((upper - lower) / step).rounded()) + 1
        return (0..<count).map { index in
            let value = lower + Double(index) * step
            return abs(value) < step * 1e-9 ? 0 : value
        }
    }

    /// The pixel position of `value` when ``lower`` sits at `start` and ``upper`` at `end`.
    func position(of value: Double, from start: Double, to end: Double) -> Double {
        start + (value - lower) / (upper - lower) * (end - start)
    }

    /// A tick label with just enough decimals for the step (`%g` for very large or small numbers).
    func label(_ value: Double) -> String {
        let decimals = max(0, Int(-log10(step).rounded(.down)))
        if decimals > 6 || max(abs(lower), abs(upper)) >= 1e7 { return String(format: "%g", value) }
        return String(format: "%.\(decimals)f", value)
    }

    /// The nice number near `value` (> 0): 1, 2, 5 or 10 × 10ᵏ, rounded to nearest or taken as ceiling.
    private static func niceNumber(_ value: Double, rounding: Bool) -> Double {
        let exponent = log10(value).rounded(.down)
        let power = pow(10, exponent)
        let fraction = value / power
        let niceFraction: Double
        if rounding {
            niceFraction = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        } else {
            niceFraction = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        }
        return niceFraction * power
    }
}

/// The rectangle, in pixels, inside which a chart draws its data.
struct PlotArea {
    let left: Double
    let top: Double
    let right: Double
    let bottom: Double
}

extension SVGCanvas {
    /// Title centred above `area`.
    mutating func drawTitle(_ title: String, over area: PlotArea) {
        text(title, x: (area.left + area.right) / 2, y: area.top - 16, size: 16)
    }

    /// A vertical axis on the left of `area`: light grid lines, tick marks, tick labels and the
    /// rotated axis label.
    mutating func drawVerticalAxis(_ axis: PlotAxis, in area: PlotArea, label: String) {
        for tick in axis.ticks {
            let y = axis.position(of: tick, from: area.bottom, to: area.top)
            line(area.left, y, area.right, y, stroke: "#e5e5e5")
            line(area.left - 5, y, area.left, y)
            text(axis.label(tick), x: area.left - 8, y: y + 4, anchor: "end", size: 11)
        }
        line(area.left, area.top, area.left, area.bottom)
        text(label, x: area.left - 52, y: (area.top + area.bottom) / 2, rotation: -90)
    }

    /// A horizontal numeric axis below `area`: tick marks, tick labels and the axis label.
    mutating func drawHorizontalAxis(_ axis: PlotAxis, in area: PlotArea, label: String) {
        for tick in axis.ticks {
            let x = axis.position(of: tick, from: area.left, to: area.right)
            line(x, area.bottom, x, area.bottom + 5)
            text(axis.label(tick), x: x, y: area.bottom + 18, size: 11)
        }
        line(area.left, area.bottom, area.right, area.bottom)
        text(label, x: (area.left + area.right) / 2, y: area.bottom + 40)
    }
}

/// An axis over `values`, after checking that they are finite, their span is finite and `area` has extent.
/// - Throws: ``ImagingError/invalidPlot(reason:)`` naming `description`.
func validatedAxis(values: [Double], description: String, area: PlotArea) throws -> PlotAxis {
    guard area.right > area.left, area.bottom > area.top else {
        throw ImagingError.invalidPlot(reason: "\(description): the document is too small to hold the chart")
    }
    guard let minimum = values.min(), let maximum = values.max(), values.allSatisfy(\.isFinite),
          (maximum - minimum).isFinite else {
        throw ImagingError.invalidPlot(reason: "\(description): expected finite values with a finite range")
    }
    return PlotAxis(minimum: minimum, maximum: maximum)
}
