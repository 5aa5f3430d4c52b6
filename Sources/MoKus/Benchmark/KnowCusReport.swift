import Foundation
import Imaging
import ModelIO

/// `report.md` of a benchmark run: the paper's Table 1 (reconstruction and generation scores per
/// method, mean ± 95% interval over seeds, and seconds per knowledge item), the scores per prompt
/// kind, the run's concepts, statements and settings, the η ablation and the grids; `time-per-item.svg` beside it.
struct KnowCusReport {
    let results: KnowCusResults
    let timings: KnowCusTimings

    static func format(_ interval: KnowCusResults.Interval?) -> String {
        guard let interval else { return "n/a" }
        return String(format: "%.3f", interval.mean) + (interval.halfWidth.map { String(format: " ± %.3f", $0) } ?? "")
    }

    var seconds: [String: Double] { Dictionary(uniqueKeysWithValues: timings.meanSeconds.map { ($0.method, $0.seconds) }) }

    func markdown() -> String {
        let info = results.info
        var lines = [
            "# KnowCus benchmark: \(info.suite)", "",
            "\(info.concepts.count) concepts, \(info.concepts.map(\.knowledge.count).reduce(0, +)) knowledge items, "
                + "\(info.seeds.count) seeds; mean ± 95% interval over seeds (t-interval of the per-seed means). "
                + "Scores by the image evaluator: image similarity (CLIP-I role), segmented similarity (CLIP-I-Seg), "
                + "text alignment (CLIP-T), attribute accuracy (the prompt's change shown).", "",
            "## Table 1", "",
            "| method | recon. image sim. | recon. seg. sim. | recon. alignment | gen. image sim. | gen. seg. sim. | gen. alignment | gen. attribute acc. | s per item |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for method in info.methods {
            let r = results.row(method, "reconstruction")
            let g = results.row(method, "generation")
            let cells = [r?.similarity, r?.segmentedSimilarity, r?.alignment, g?.similarity, g?.segmentedSimilarity,
                         g?.alignment, g?.attributeAccuracy].map(Self.format)
            let time = seconds[method].map { String(format: "%.2f", $0) } ?? "n/a"
            lines.append("| \(method) | " + cells.joined(separator: " | ") + " | \(time) |")
        }
        lines += ["", "The reference row draws the anchor; the others draw the knowledge statements. Seconds per item: "
            + "the anchor LoRA per concept for the reference, the edit (MoKus), the LoRA (Naive-DB), the fine-tuning (Enc-FT).",
            "", "## Per prompt kind (image similarity / attribute accuracy)", "",
            "n/a: not computed (no evaluator, or prompts without attribute labels).", "",
            "| method | " + KnowCusPromptKind.allCases.map(\.rawValue).joined(separator: " | ") + " |",
            "|---|" + String(repeating: "---|", count: KnowCusPromptKind.allCases.count)]
        for method in info.methods {
            let cells = KnowCusPromptKind.allCases.map { kind in
                let row = results.row(method, kind.rawValue)
                return Self.format(row?.similarity) + (row?.attributeAccuracy.map { " / " + Self.format($0) } ?? "")
            }
            lines.append("| \(method) | " + cells.joined(separator: " | ") + " |")
        }
        lines += ["", "## Concepts", ""]
        for (c, concept) in info.concepts.enumerated() {
            lines.append("- \(c): \(concept.name) as `\(concept.anchor)` (\(concept.images) images"
                + (concept.exactMasks ? ", exact masks" : "") + "): "
                + concept.knowledge.map { "\"\($0.text)\"" + ($0.perspective.map { " (\($0))" } ?? "") }.joined(separator: ", "))
            lines.append("  prompts: " + concept.prompts.map { "`\($0.template)` (\($0.kind.rawValue))" }.joined(separator: ", "))
            if let file = concept.visualCheckpoint { lines.append("  stage 1: loaded from `\(file)` (not learnt)") }
            for (key, value) in (concept.unknownKeys ?? [:]).sorted(by: { $0.key < $1.key }) {
                lines.append("  kept unknown key `\(key)`: `\(value)`")
            }
        }
        lines += [""] + etaSection() + gridSection()
        lines += ["", "## Settings", "",
            "LoRA: \(info.loraSteps) steps at \(info.loraLearningRate), rank \(info.loraRank); Enc-FT: \(info.encoderTuningSteps) "
                + "steps at \(info.encoderTuningLearningRate); query `\(info.queryTemplate)` (chat template \(info.chatTemplate)); "
                + "\(info.samplingSteps) denoising steps, guidance \(info.guidance); seeds \(info.seeds.map(String.init).joined(separator: ", ")).",
            "", "![seconds per knowledge item](time-per-item.svg)", ""]
        return lines.joined(separator: "\n")
    }

    /// The seconds-per-item bar chart.
    func timePlot() throws -> String {
        try BarChart(
            title: "Seconds per knowledge item", valueLabel: "seconds",
            bars: timings.meanSeconds.map { BarChart.Bar(label: $0.method, value: $0.seconds) }
        ).svg()
    }
}

/// The files of a benchmark run folder: `shard-<i>-of-<n>.json` per shard with its images under
/// `images/`, and `results.json`, `timings.json`, `report.md`, `time-per-item.svg`, `eta.svg` (with
/// an η ablation) and `grid-c<c>.png` per concept for the whole run. Every file is written through
/// a temporary file and renamed; a run writes nothing before it has finished, and a shard writes
/// its images before its shard file, so a failed shard leaves no shard file.
public enum KnowCusOutput {
    /// Writes the shard's images and then its shard file into `folder` (created when missing).
    ///
    /// - Throws: ``ModelIO/ModelIOError/writeFailed(file:reason:)``, encoding errors.
    public static func writeShard(_ output: KnowCusShardOutput, into folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try output.images.write(into: folder)
        try KnowCusJSON.encoder.encode(output.result).writeAtomically(to: folder.appending(path: output.result.shard.fileName))
    }

    /// Every `shard-*-of-*.json` in `folder`, by name.
    ///
    /// - Throws: ``MoKusError/shardMismatch(file:reason:)`` for an unreadable or malformed file, or none.
    public static func readShards(in folder: URL) throws -> [(file: String, result: KnowCusShardResult)] {
        let path = folder.path(percentEncoded: false)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
            .filter { $0.hasPrefix("shard-") && $0.hasSuffix(".json") }.sorted()
        guard !names.isEmpty else {
            throw MoKusError.shardMismatch(file: path, reason: "no shard-<i>-of-<n>.json file in the folder")
        }
        return try names.map { name in
            let file = folder.appending(path: name)
            do {
                return (file.path(percentEncoded: false),
                        try KnowCusJSON.decoder.decode(KnowCusShardResult.self, from: Data(contentsOf: file)))
            } catch {
                throw MoKusError.shardMismatch(file: file.path(percentEncoded: false), reason: "unreadable or not a shard result (\(error))")
            }
        }
    }

    /// Merges `shards` and writes the run's files into `folder` (created when missing).
    /// The images (an unsharded run's; none when merging shards, which wrote theirs) are written
    /// first, then a grid per concept composed from the folder's images, then the report files.
    ///
    /// - Throws: as ``KnowCusResults/merge(_:)``, ``KnowCusImages/grid(concept:info:folder:)`` and the writes.
    @discardableResult
    public static func writeRun(
        _ shards: [(file: String, result: KnowCusShardResult)], images: KnowCusImages = KnowCusImages(), into folder: URL
    ) throws -> KnowCusResults {
        let (results, timings) = try KnowCusResults.merge(shards)
        let report = KnowCusReport(results: results, timings: timings)
        var files = [("time-per-item.svg", Data(try report.timePlot().utf8)), ("timings.json", try timings.json()),
                     ("report.md", Data(report.markdown().utf8)), ("results.json", try results.json())]
        if let eta = try report.etaPlot() { files.insert((KnowCusReport.etaPlotName, Data(eta.utf8)), at: 0) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try images.write(into: folder)
        let grids = try results.info.concepts.indices.map { try KnowCusImages.grid(concept: $0, info: results.info, folder: folder) }
        for (c, grid) in grids.enumerated() { try PNGCodec.write(grid, to: folder.appending(path: KnowCusReport.gridName(c))) }
        for (name, data) in files { try data.writeAtomically(to: folder.appending(path: name)) }
        return results
    }
}
