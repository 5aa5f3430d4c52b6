import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TestSupport
import Testing
@testable import Imaging

@Suite("SVG plots")
struct SVGPlotTests {
    /// Parses an XML document and collects its element names and character data.
    final class XMLCollector: NSObject, XMLParserDelegate {
        var elements: [String] = []
        var text = ""
        var attributes: [[String: String]] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String]) {
            elements.append(name)
            self.attributes.append(attributes)
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        /// Parses `svg`; `nil` when it is not well-formed XML.
        static func parse(_ svg: String) -> XMLCollector? {
            let collector = XMLCollector()
            let parser = XMLParser(data: Data(svg.utf8))
            parser.delegate = collector
            return parser.parse() ? collector : nil
        }
    }

    static let trickyLabel = "a < b & \"c\" > 'd'"

    static func linePlot() -> LinePlot {
        LinePlot(title: "Loss <edit>", xLabel: "step & epoch", yLabel: "loss \"nll\"", series: [
            .init(name: Self.trickyLabel, values: [3, 2.5, 1, 0.25]),
            .init(name: "MEMIT", x: [0, 1.5, 3], y: [2, 1, -0.5]),
            .init(name: "single\u{1}point", x: [2], y: [1]),
        ])
    }

    static func barChart() -> BarChart {
        BarChart(title: "Efficacy & locality", valueLabel: "rate", bars: [
            .init(label: Self.trickyLabel, value: 0.97), .init(label: "MEMIT", value: -0.2),
            .init(label: "AlphaEdit", value: 0.5),
        ])
    }

    @Test("a line plot is well-formed SVG with escaped labels, one polyline per series and a legend")
    func linePlotDocument() throws {
        let svg = try Self.linePlot().svg()
        let parsed = try #require(XMLCollector.parse(svg), "not well-formed XML:\n\(svg)")
        #expect(parsed.elements.first == "svg")
        #expect(parsed.elements.filter { $0 == "polyline" }.count == 3)
        #expect(parsed.elements.filter { $0 == "circle" }.count == 4 + 3 + 1)
        for label in [Self.trickyLabel, "Loss <edit>", "step & epoch", "loss \"nll\"", "single\u{FFFD}point"] {
            #expect(parsed.text.contains(label))
        }
        #expect(svg.contains("a &lt; b &amp; &quot;c&quot; &gt; &apos;d&apos;"))
        #expect(!svg.contains("\u{1}"))
    }

    @Test("axis ticks are nice numbers covering the data")
    func ticks() throws {
        let parsed = try #require(XMLCollector.parse(try Self.linePlot().svg()))
        // y data −0.5…3: span 3.5 → nice 5, step 5 / 5 → 1, ticks −1…3. x data 0…3: ticks 0…3.
        let tickLabels = parsed.text.split(whereSeparator: \.isNewline).filter { Double($0) != nil }
        #expect(tickLabels == ["-1", "0", "1", "2", "3", "0", "1", "2", "3"])
        let axis = PlotAxis(minimum: 0.013, maximum: 9.2)
        #expect(axis.lower == 0 && axis.upper == 10 && axis.step == 2)
        #expect(axis.ticks == [0, 2, 4, 6, 8, 10] && axis.label(4) == "4")
        let flat = PlotAxis(minimum: 5, maximum: 5)
        #expect(flat.lower <= 2.5 && flat.upper >= 7.5)
    }

    @Test("a bar chart is well-formed SVG with one bar per value, escaped labels and printed values")
    func barChartDocument() throws {
        let svg = try Self.barChart().svg()
        let parsed = try #require(XMLCollector.parse(svg), "not well-formed XML:\n\(svg)")
        let rects = parsed.attributes.enumerated().filter { parsed.elements[$0.offset] == "rect" }.map(\.element)
        #expect(rects.filter { $0["fill"] == SVGCanvas.palette[0] }.count == 3)
        for label in [Self.trickyLabel, "MEMIT", "AlphaEdit", "Efficacy & locality", "0.97", "-0.2"] {
            #expect(parsed.text.contains(label))
        }
    }

    @Test("plots are written atomically and read back unchanged")
    func write() throws {
        try TemporaryDirectory.with(label: "imaging-tests") { directory in
            let url = directory.appendingPathComponent("plot.svg")
            try Self.barChart().write(to: url)
            try Self.linePlot().write(to: url)
            #expect(try String(contentsOf: url, encoding: .utf8) == Self.linePlot().svg())
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["plot.svg"])
        }
    }

    @Test("unplottable data is .invalidPlot")
    func invalid() {
        let plots: [any SVGPlot] = [
            LinePlot(title: "t", xLabel: "x", yLabel: "y", series: []),
            LinePlot(title: "t", xLabel: "x", yLabel: "y", series: [.init(name: "s", x: [1, 2], y: [1])]),
            LinePlot(title: "t", xLabel: "x", yLabel: "y", series: [.init(name: "s", values: [])]),
            LinePlot(title: "t", xLabel: "x", yLabel: "y", series: [.init(name: "s", values: [1, .nan])]),
            LinePlot(title: "t", xLabel: "x", yLabel: "y",
                     series: [.init(name: "s", values: [-.greatestFiniteMagnitude, .greatestFiniteMagnitude])]),
            LinePlot(title: "t", xLabel: "x", yLabel: "y", series: [.init(name: "s", values: [1])], width: 100),
            BarChart(title: "t", valueLabel: "v", bars: []),
            BarChart(title: "t", valueLabel: "v", bars: [.init(label: "a", value: .infinity)]),
        ]
        for plot in plots {
            #expect {
                _ = try plot.svg()
            } throws: { error in
                guard case .invalidPlot? = error as? ImagingError else { return false }
                return true
            }
        }
    }

    @Test("writing a plot into a missing directory is .writeFailed naming the file")
    func writeFailure() {
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/plot.svg")
        #expect {
            try Self.barChart().write(to: url)
        } throws: { error in
            guard case .writeFailed(let path, _)? = error as? ImagingError else { return false }
            return path == url.path
        }
    }
}
