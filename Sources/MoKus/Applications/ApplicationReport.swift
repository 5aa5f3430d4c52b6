import Foundation
import Imaging
import Tensors

/// Writes a `create-concept`, `erase` or `repair` report into its folder: `metrics.json`, `report.md`,
/// `grid.png` (one row per cell: each state's images side by side), `figures.svg` (the headline
/// figures per state) and every image as `images/<state>/c<cell>-s<seed>.png`. The edits file
/// (``ApplicationMetrics/editsFile``) is written beside them by ``ApplicationRun``.
struct ApplicationReport {
    let title: String
    let metrics: ApplicationMetrics
    /// Per state, one batch `[seeds, 3, H, W]` per cell, in cell order.
    let images: [String: [Tensor]]
    /// Pixel repetition of the grid's images.
    let scale: Int

    func write(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try metrics.json().write(to: folder.appending(path: "metrics.json"))
        try Data(markdown.utf8).write(to: folder.appending(path: "report.md"))
        try PNGCodec.write(
            try ReportImages.grid(rows: metrics.cells.indices.map { index in metrics.states.compactMap { images[$0]?[index] } },
                                  scale: scale),
            to: folder.appending(path: "grid.png"))
        if let chart { try chart.write(to: folder.appending(path: "figures.svg")) }
        for state in metrics.states {
            for (index, batch) in (images[state] ?? []).enumerated() {
                try ReportImages.write(batch, seeds: metrics.seeds, to: folder.appending(path: "images/\(state)"), prefix: "c\(index)")
            }
        }
    }

    /// One bar per figure and state; nil without figures.
    var chart: BarChart? {
        let bars = metrics.figures.flatMap { figure in
            metrics.states.compactMap { state in figure.values[state].map { BarChart.Bar(label: "\(figure.name) (\(state))", value: $0) } }
        }
        return bars.isEmpty ? nil : BarChart(title: title, valueLabel: "fraction of images", bars: bars, width: max(720, 60 * bars.count))
    }

    var markdown: String {
        let m = metrics
        func number(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "–" }
        var lines = [
            "# \(title)", "",
            "Editor \(m.editor); seeds \(m.seeds.map(String.init).joined(separator: ", ")); guidance \(m.guidance), "
                + "\(m.samplingSteps) denoising steps; edits \(String(format: "%.2f s", m.seconds["edit"] ?? 0)), images "
                + "\(String(format: "%.1f s", m.seconds["images"] ?? 0)). States:", "",
        ]
        lines += zip(m.states, m.stateDescriptions).map { "- **\($0)**: \($1)" }
        lines += ["", "## Figures", "", "| figure | " + m.states.joined(separator: " | ") + " | bar |",
                  "|---|" + m.states.map { _ in "---|" }.joined() + "---|"]
        lines += m.figures.map { figure in
            "| \(figure.name) | " + m.states.map { number(figure.values[$0]) }.joined(separator: " | ") + " | \(figure.bar) |"
        }
        lines += m.figures.isEmpty ? ["(no evaluator: images without scores)"] : ["", "![figures](figures.svg)"]
        lines += ["", "## Edits", "", "```", m.update.table, "```"]
        if let probes = m.probes {
            lines += ["", "## Questions not edited (before → after)", "", "```", probes.table, "```"]
        }
        lines += ["", "## Images", "",
                  "![grid](grid.png)", "",
                  "One row per prompt, in the order below: \(m.seeds.count) images (one per seed) in each state ("
                    + m.states.joined(separator: ", ") + "). Every image is in `images/<state>/c<row>-s<seed>.png`; "
                    + "`\(ApplicationMetrics.editsFile)` replays the edits (`mokus apply --edits`).", "",
                  "| row | group | prompt | expected | every expected attribute: " + m.states.joined(separator: " / ")
                    + " | same as \(m.states[0]): " + m.states.dropFirst().joined(separator: " / ") + " |",
                  "|---|---|---|---|---|---|"]
        for (index, cell) in m.cells.enumerated() {
            let expected = cell.expected.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            lines.append("| \(index) | \(cell.group) | \(cell.text) | \(expected.isEmpty ? "–" : expected.joined(separator: ", ")) | "
                         + m.states.map { number(cell.scores[$0]?.everyAttribute) }.joined(separator: " / ") + " | "
                         + m.states.dropFirst().map { number(cell.scores[$0]?.sameAsBase) }.joined(separator: " / ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
