import Foundation
import Imaging
import Tensors

/// Writes a customisation's report into its folder: `metrics.json`, `report.md`, `grid.png` and every
/// image as `images/<state>/p<phrase>-q<prompt>-s<seed>.png`.
struct CustomizationReport {
    let metrics: CustomizationMetrics
    /// The concept images, `[M, 3, H, W]` in [0, 1].
    let conceptImages: Tensor
    /// Per state, the cells' images in ``CustomizationMetrics/cells`` order, each `[seeds, 3, H, W]`.
    let images: [CustomizationState: [Tensor]]
    /// Pixel repetition of the grid's cells (the world's 32×32 images are enlarged 3×).
    let scale: Int

    func write(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try metrics.json().write(to: folder.appending(path: "metrics.json"))
        try Data(markdown.utf8).write(to: folder.appending(path: "report.md"))
        try PNGCodec.write(try grid(), to: folder.appending(path: "grid.png"))
        for state in CustomizationState.allCases {
            for (index, cell) in (images[state] ?? []).enumerated() {
                let (phrase, prompt) = index.quotientAndRemainder(dividingBy: metrics.prompts.count)
                try ReportImages.write(cell, seeds: metrics.seeds, to: folder.appending(path: "images/\(state.rawValue)"),
                                       prefix: "p\(phrase)-q\(prompt)")
            }
        }
    }

    /// Row 0: the concept images; then one row per cell: its base images, its stage-1-only images,
    /// its customised images (one per seed each), every image enlarged `scale` times.
    func grid() throws -> Image {
        let concept = conceptImages.slice(axis: 0, 0..<min(conceptImages.shape[0], 3 * metrics.seeds.count))
        return try ReportImages.grid(
            rows: [[concept]] + metrics.cells.indices.map { index in CustomizationState.allCases.compactMap { images[$0]?[index] } },
            scale: scale)
    }

    var markdown: String {
        let m = metrics
        func number(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "–" }
        func seconds(_ value: Double?) -> String { value.map { String(format: "%.2f s", $0) } ?? "–" }
        var lines = [
            "# Customisation of \(m.concept) (anchor \"\(m.anchor)\")", "",
            "Editor \(m.editor); prompts \(m.prompts.map { "\"\($0)\"" }.joined(separator: ", ")); seeds "
                + "\(m.seeds.map(String.init).joined(separator: ", ")); guidance \(m.guidance), \(m.samplingSteps) denoising steps.",
            "", "## Timings", "", "| stage | wall |", "|---|---|",
            "| 1, concept (\(m.stage1.source)) | \(seconds(m.seconds["stage1"])) |",
            "| 2, knowledge update (\(m.knowledge.count) statements) | \(seconds(m.seconds["stage2"])), "
                + "\(seconds(m.stage2.secondsPerItem)) per statement |",
            "| report images | \(seconds(m.seconds["images"])) |", "| total | \(seconds(m.seconds["total"])) |", "",
            "## Acceptance", "",
            "Similarity is the evaluator's (mean cosine of an image's embedding to the concept images'), over the "
                + "prompts without a context; context accuracy is over the prompts with one.", "",
            "| figure | value | bar |", "|---|---|---|",
            "| stage 1: anchor with the LoRA | \(number(m.stage1.similarityWithLora)) | ≥ 0.8 |",
            "| stage 1: anchor without the LoRA | \(number(m.stage1.similarityWithoutLora)) | clearly lower |",
            "| stage 2: anchor, customised | \(number(m.stage2.anchorSimilarity)) | |",
            "| stage 2: knowledge phrases, customised | \(number(m.stage2.knowledgeSimilarity)) | |",
            "| stage 2: knowledge phrases, LoRA but unedited encoder | \(number(m.stage2.knowledgeSimilarityUnedited)) | |",
            "| stage 2: gap anchor − knowledge | \(number(m.stage2.similarityGap)) | ≤ 0.05 |",
            "| stage 2: knowledge phrases' context attribute right | \(number(m.stage2.knowledgeContextAccuracy)) | ≥ 0.8 |",
            "| (anchor's context attribute right) | \(number(m.stage2.anchorContextAccuracy)) | |",
            "| stage 2: edit time per statement | \(seconds(m.stage2.secondsPerItem)) | ≤ 1 s |", "",
            "## Knowledge update", "", "```", m.stage2.update.table, "```", "",
            "## Images", "",
            "![grid](grid.png)", "",
            "Row 1: the concept images. Then one row per phrase and prompt, in the order of the table below: "
                + "\(m.seeds.count) images (one per seed) with the base pipeline, then with the LoRA only, then customised "
                + "(LoRA and edited encoder). Every image is in `images/<state>/p<phrase>-q<prompt>-s<seed>.png`.", "",
            "| row | prompt | requested | similarity base / LoRA / customised | context right base / LoRA / customised |",
            "|---|---|---|---|---|",
        ]
        for (index, cell) in m.cells.enumerated() {
            let requested = cell.requestedAttributes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            let states = CustomizationState.allCases.map { cell.scores[$0.rawValue] }
            lines.append("| \(index + 2) | \(cell.text) | \(requested.isEmpty ? "–" : requested.joined(separator: ", ")) | "
                         + states.map { number($0?.similarity) }.joined(separator: " / ") + " | "
                         + states.map { number($0?.contextAccuracy) }.joined(separator: " / ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
