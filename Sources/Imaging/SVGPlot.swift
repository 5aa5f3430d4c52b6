import Foundation

/// A chart drawn as a self-contained SVG document (plain text, no scripts or external resources),
/// for reports and benchmark pages. ``LinePlot`` and ``BarChart`` conform.
public protocol SVGPlot: Sendable {
    /// The SVG document.
    /// - Throws: ``ImagingError/invalidPlot(reason:)`` when the data cannot be drawn.
    func svg() throws -> String
}

extension SVGPlot {
    /// Writes ``svg()`` as UTF-8 to `url`, atomically (temporary file in the same directory, then rename).
    /// - Throws: ``ImagingError/invalidPlot(reason:)`` or ``ImagingError/writeFailed(path:reason:)``.
    public func write(to url: URL) throws {
        try writeTextAtomically(try svg(), to: url)
    }
}

/// Escapes text for XML character data and attribute values: `& < > " '` become entities, and
/// characters XML 1.0 forbids (C0 controls other than tab, newline and carriage return) become U+FFFD.
func xmlEscaped(_ text: String) -> String {
    var escaped = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": escaped += "&amp;"
        case "<": escaped += "&lt;"
        case ">": escaped += "&gt;"
        case "\"": escaped += "&quot;"
        case "'": escaped += "&apos;"
        case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
        case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
            escaped += "\u{FFFD}"
        default: escaped.unicodeScalars.append(scalar)
        }
    }
    return escaped
}

/// Accumulates SVG elements; every text it receives is escaped, every number printed with 2 decimals.
struct SVGCanvas {
    /// Colours for successive series (Tableau 10).
    static let palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                          "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]

    let width: Int
    let height: Int
    private var elements: [String] = []

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// A coordinate or length as SVG text.
    static func number(_ value: Double) -> String { String(format: "%.2f", value) }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String = "#333") {
        let (a, b, c, d) = (Self.number(x1), Self.number(y1), Self.number(x2), Self.number(y2))
        elements.append("<line x1=\"\(a)\" y1=\"\(b)\" x2=\"\(c)\" y2=\"\(d)\" stroke=\"\(stroke)\"/>")
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String) {
        let (a, b, c, d) = (Self.number(x), Self.number(y), Self.number(width), Self.number(height))
        elements.append("<rect x=\"\(a)\" y=\"\(b)\" width=\"\(c)\" height=\"\(d)\" fill=\"\(fill)\"/>")
    }

    mutating func circle(x: Double, y: Double, radius: Double, fill: String) {
        let (a, b, c) = (Self.number(x), Self.number(y), Self.number(radius))
        elements.append("<circle cx=\"\(a)\" cy=\"\(b)\" r=\"\(c)\" fill=\"\(fill)\"/>")
    }

    mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String) {
        let list = points.map { "\(Self.number($0.x)),\(Self.number($0.y))" }.joined(separator: " ")
        elements.append("<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"2\"/>")
    }

    /// Text anchored at (`x`, `y`); `anchor` is `start`, `middle` or `end`; `rotation` in degrees about (x, y).
    mutating func text(
        _ content: String, x: Double, y: Double, anchor: String = "middle", size: Int = 12, rotation: Double = 0
    ) {
        let (a, b) = (Self.number(x), Self.number(y))
        let turn = rotation == 0 ? "" : " transform=\"rotate(\(Self.number(rotation)) \(a) \(b))\""
        let attributes = "x=\"\(a)\" y=\"\(b)\" text-anchor=\"\(anchor)\" font-size=\"\(size)\"\(turn)"
        elements.append("<text \(attributes)>\(xmlEscaped(content))</text>")
    }

    /// The complete document: XML declaration, `<svg>` root with a white background, the elements.
    func document() -> String {
        let header = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" \
            viewBox="0 0 \(width) \(height)" font-family="sans-serif">
            <rect width="100%" height="100%" fill="white"/>
            """
        return ([header] + elements + ["</svg>", ""]).joined(separator: "\n")
    }
}
