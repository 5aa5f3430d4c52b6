import Foundation
import Imaging
import ModelIO
import MoKus
import Tensors

/// Writes a `tokenverse eval` report folder atomically (``ModelIO/AtomicDirectory``):
/// `metrics.json`, `report.md`, `grid.png` (one row per prompt: its concept images, then the
/// seeds' images plainly, then with Δ), `concepts/concept-s{i}.png` and the learned
/// `deltas/concept-{i}.safetensors` (`mokus tokenverse generate --concepts` reads them).
struct TokenVerseReport {
    let metrics: TokenVerseMetrics
    /// Per case: the concept images `[1, 3, H, W]`, then the base and Δ batches, in [0, 1].
    let grid: [[Tensor]]
    let concepts: [Tensor]
    let modulations: [ConceptModulationSet]
    let layers: Int

    func write(to out: URL) throws {
        try AtomicDirectory.write(out) { folder in
            try ReportImages.json(metrics).write(to: folder.appending(path: "metrics.json"))
            try Data(markdown.utf8).write(to: folder.appending(path: "report.md"))
            try PNGCodec.write(try ReportImages.grid(rows: grid, scale: 3), to: folder.appending(path: "grid.png"))
            for (index, set) in modulations.enumerated() {
                try FileManager.default.createDirectory(at: folder.appending(path: "deltas"), withIntermediateDirectories: true)
                try set.write(to: folder.appending(path: "deltas/concept-\(index).safetensors"), layers: layers)
                try ReportImages.write(concepts[index], seeds: [UInt64(index)], to: folder.appending(path: "concepts"), prefix: "concept")
            }
        }
    }

    var markdown: String {
        let m = metrics
        func number(_ value: Double) -> String { String(format: "%.3f", value) }
        func row(_ name: String, _ pick: (TokenVerseMetrics.Summary) -> TokenVerseScores) -> String {
            let cells = m.states.compactMap { m.summary[$0].map(pick) }.map { s in
                [s.cp, s.pf, s.cpTimesPF, s.conceptCorrect, s.allCorrect, s.similarity].map(number).joined(separator: " | ")
            }
            return "| \(name) | " + cells.joined(separator: " | ") + " |"
        }
        let columns = ["CP", "PF", "CP·PF", "concept right", "all right", "similarity"]
        let l = m.learning
        let learning = "\(l.variant), \(l.steps) steps of \(l.batchSize), lr \(l.learningRate), per-block \(l.perBlock)"
        let isolation = "isolation in \(number(l.isolationProbability)) of steps against \(l.isolationImages) base images"
        let sampling = "\(m.samplingSteps) steps, guidance \(m.guidance)"
        let header = m.states.flatMap { state in columns.map { "\(state) \($0)" } }.joined(separator: " | ")
        var lines = [
            "# \(m.method) on the world", "",
            "\(m.conceptCount) concept images (the world's reserved concepts), \(m.seeds.count) seeds per prompt; learning: "
                + "\(learning), \(isolation); sampling: \(sampling). Total \(String(format: "%.0f", m.seconds)) s.",
            "",
            "## Scores (base = the plain prompt; \(m.method) = with the concepts' Δ on their words)", "",
            "| cases | \(header) |",
            "|---|" + String(repeating: "---|", count: columns.count * m.states.count),
            row("single, all kinds") { $0.single },
        ]
        lines += TokenVerseCase.kinds.map { kind in row("single, \(kind.name)") { $0.singleByKind[kind.name] ?? $0.single } }
        lines += [row("2 concepts (object + pattern)") { $0.multi2 }, row("3 concepts (+ background)") { $0.multi3 }, "",
                  "CP and PF: the evaluator's mean probability of the concept's attributes and of the prompt's other "
                    + "attributes; concept right: every concept attribute right (for 2–3 concepts: the composition is correct); "
                    + "all right: every attribute of the prompt; similarity: cosine of the evaluator embeddings with the concept image(s).", "",
                  "## Sampling time", ""]
        let base = String(format: "%.2f", m.samplingSeconds["base"] ?? 0)
        let modulated = String(format: "%.2f", m.samplingSeconds[m.method] ?? 0)
        let overhead = String(format: "%+.1f", 100 * m.modulationOverhead)
        let setup = String(format: "%.3f", m.modulationSetupSeconds)
        let cpu = String(format: "%.2f s and %.2f s of CPU time, %+.1f %%", m.samplingCPUSeconds["base"] ?? 0,
                         m.samplingCPUSeconds[m.method] ?? 0, 100 * m.modulationCPUOverhead)
        lines += ["base \(base) s, with Δ \(modulated) s for the same prompts and seeds: \(overhead) % (\(cpu)); building the "
                    + "modulations \(setup) s.", "",
                  "## Concepts", "", "| concept | caption | words | first loss | mean loss, last 20 | seconds |", "|---|---|---|---|---|---|"]
        lines += m.concepts.enumerated().map { index, c -> String in
            let words = c.words.joined(separator: ", ")
            let losses = "\(number(c.firstLoss)) | \(number(c.meanLossLast20))"
            return "| \(index) | \(c.caption) | \(words) | \(losses) | " + String(format: "%.1f", c.seconds) + " |"
        }
        lines += ["", "## Prompts", "", "![grid](grid.png)", "",
                  "One row per prompt: its concept image(s), then \(m.seeds.count) images plainly, then \(m.seeds.count) with Δ.", "",
                  "| row | group | kind | prompt | concepts | CP base / Δ | PF base / Δ | concept right base / Δ |", "|---|---|---|---|---|---|---|---|"]
        lines += m.cases.enumerated().map { index, c in
            func pair(_ pick: (TokenVerseScores) -> Double) -> String {
                m.states.map { c.scores[$0].map(pick).map(number) ?? "–" }.joined(separator: " / ")
            }
            let sources = c.sources.joined(separator: "; ")
            let scores = "\(pair(\.cp)) | \(pair(\.pf)) | \(pair(\.conceptCorrect))"
            return "| \(index) | \(c.group) | \(c.kind) | \(c.prompt) | \(sources) | \(scores) |"
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
