import Foundation
import Imaging

/// The report's figures beyond Table 1: the per-concept image grids and the η ablation.
extension KnowCusReport {
    /// The grid files, one per concept (``KnowCusImages/grid(concept:info:folder:)``).
    static func gridName(_ concept: Int) -> String { "grid-c\(concept).png" }

    /// The η plot's file, written when the run has an η ablation with scores.
    static let etaPlotName = "eta.svg"

    /// The η ablation's scores against log₁₀ η: reconstruction and generation image similarity, and
    /// generation alignment when the prompts define it; nil without an ablation or without scores.
    func etaPlot() throws -> String? {
        guard let points = results.eta, !points.isEmpty else { return nil }
        let x = points.map { log10($0.eta) }
        let series: [(String, (KnowCusResults.EtaPoint) -> KnowCusResults.Interval?)] = [
            ("reconstruction image sim.", \.reconstructionSimilarity), ("generation image sim.", \.generationSimilarity),
            ("generation alignment", \.generationAlignment),
        ]
        let lines = series.compactMap { name, value -> LinePlot.Series? in
            let y = points.compactMap { value($0)?.mean }
            return y.count == points.count ? LinePlot.Series(name: name, x: x, y: y) : nil
        }
        guard !lines.isEmpty else { return nil }
        return try LinePlot(title: "MoKus (UltraEdit): scores against the learning rate η", xLabel: "log10 η", yLabel: "score",
                            series: lines).svg()
    }

    /// The report's η section: one row per η, and the plot.
    func etaSection() -> [String] {
        guard let points = results.eta, !points.isEmpty else { return [] }
        var lines = ["## η ablation (UltraEdit)", "",
                     "| η | recon. image sim. | gen. image sim. | gen. alignment |", "|---|---|---|---|"]
        for point in points {
            let cells = [point.reconstructionSimilarity, point.generationSimilarity, point.generationAlignment].map(Self.format)
            lines.append("| \(String(format: "%g", point.eta)) | " + cells.joined(separator: " | ") + " |")
        }
        return lines + ["", "![scores against η](\(Self.etaPlotName))", ""]
    }

    /// The report's grid section: what the rows are, and one grid per concept.
    func gridSection() -> [String] {
        let info = results.info
        var lines = ["## Images (first seed)", "",
                     "One grid per concept, one column per prompt (in the order listed under Concepts). Row 1: concept "
                        + "images; row 2: \(KnowCusMethod.anchorReference) drawing the anchor; then, per statement, one row per "
                        + "method drawing the statement: " + info.methods.dropFirst().joined(separator: ", ") + ". Every "
                        + "image is in `images/c<concept>/`.", ""]
        for (c, concept) in info.concepts.enumerated() {
            lines += ["### \(c): \(concept.name)", "", "![\(concept.name)](\(Self.gridName(c)))", ""]
        }
        return lines
    }
}
