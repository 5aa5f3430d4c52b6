import ArgumentParser
import Evaluator
import Foundation
import Imaging
import World

extension Mokus.WorldCommand {
    /// `mokus world score`: what the world's evaluator sees in a folder of images (docs/world.md).
    struct Score: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score a folder of PNG images with the world's evaluator, against their captions when known.",
            discussion: """
                Per image: the predicted class and probability of every attribute and, for images a captions \
                file names, the text–image alignment (the mean probability of the captioned classes) and whether \
                every captioned attribute is right. Summary: per-attribute accuracy over captioned images, the \
                fraction all right, the mean alignment, and the mean pairwise embedding similarity (cosine, \
                near 1 when the images are near-copies). Images must be the evaluator's size (32×32). \
                Captions: --captions, else DIR/captions.jsonl when present; records match images by file name. \
                DIR may be a `world render` folder: without PNGs of its own, its images/ are scored. With --reference \
                REF (a folder of PNGs, or a render folder), each image's mean embedding similarity to REF's images is \
                added (how much generated images look like the concept images a LoRA learnt). See docs/world.md.
                """)

        @Option(help: ArgumentHelp("Folder of PNG images (other files are ignored), or a `world render` folder.",
                                   valueName: "dir"),
                completion: .directory)
        var images: String
        @Option(help: ArgumentHelp("World folder whose evaluator/ scores (default: the bundled world).", valueName: "dir"),
                completion: .directory)
        var world: String?
        @Option(help: ArgumentHelp("captions.jsonl naming the images (default: DIR/captions.jsonl if present).",
                                   valueName: "file"), completion: .file())
        var captions: String?
        @Option(help: ArgumentHelp("Reference images (e.g. concept images) to compare every image with.", valueName: "dir"),
                completion: .directory)
        var reference: String?
        @Option(help: ArgumentHelp("Also write a PNG sheet of the scored images (in name order, 3×) here.", valueName: "file"))
        var grid: String?
        @Option(help: "Images per row of the sheet.") var gridColumns = 8
        @OptionGroup var output: JSONOutputOption

        func validate() throws {
            try ArgumentChecks.check("--grid-columns", gridColumns, in: 1...1024)
        }

        func run() throws {
            let (scores, summary) = try score()
            if output.json {
                try printJSON(Self.json(scores, summary: summary))
            } else {
                print(Self.table(scores, summary: summary))
            }
        }

        /// Loads the evaluator and the captions, and scores the folder.
        func score() throws -> (images: [ImageScore], summary: ImageScoreSummary) {
            let directory = try BundledWorld.resolve(world.map { URL(fileURLWithPath: $0, isDirectory: true) })
            let evaluatorDirectory = directory.appending(path: WorldFolder.evaluator)
            guard FileManager.default.fileExists(atPath: evaluatorDirectory.path(percentEncoded: false)) else {
                throw WorldError.unreadableFile(
                    path: evaluatorDirectory.path(percentEncoded: false),
                    reason: "the world has no evaluator (mokus world train evaluator --out DIR makes one)")
            }
            let evaluator = try ImageEvaluator.load(from: evaluatorDirectory, expectedSchema: EvaluatorRecipe.schema)
            let imageDirectory = URL(fileURLWithPath: images, isDirectory: true)
            let files = try ImageFolderScoring.imageFiles(in: imageDirectory)
            let defaultCaptions = imageDirectory.appending(path: "captions.jsonl")
            let captionFile = captions.map { URL(fileURLWithPath: $0) }
                ?? (FileManager.default.fileExists(atPath: defaultCaptions.path(percentEncoded: false)) ? defaultCaptions : nil)
            let known = try captionFile.map { try CaptionFile.read($0) } ?? [:]
            if let grid {
                let sheet = try Renderer.sheet(try files.map { try PNGCodec.read(contentsOf: $0, as: .rgb) }, columns: gridColumns)
                try PNGCodec.write(sheet, to: URL(fileURLWithPath: grid))
            }
            let references = try reference.map { try ImageFolderScoring.imageFiles(in: URL(fileURLWithPath: $0, isDirectory: true)) } ?? []
            return try ImageFolderScoring.score(files, captions: known, evaluator: evaluator, references: references)
        }

        /// The object `--json` prints: `{"images": [per image], "summary": {…}}`.
        static func json(_ scores: [ImageScore], summary: ImageScoreSummary) -> [String: Any] {
            ["images": scores.map(json), "summary": json(summary)]
        }

        static func json(_ score: ImageScore) -> [String: Any] {
            var object: [String: Any] = [
                "file": score.file,
                "attributes": Dictionary(uniqueKeysWithValues: score.attributes.map {
                    ($0.attribute, ["class": $0.className, "probability": Double($0.probability)] as [String: Any])
                }),
            ]
            if let caption = score.caption {
                object["caption"] = caption.text ?? NSNull()
                object["captioned_attributes"] = caption.attributes
            }
            if let alignment = score.alignment { object["alignment"] = Double(alignment) }
            if let allCorrect = score.allCorrect { object["all_correct"] = allCorrect }
            if let similarity = score.referenceSimilarity { object["reference_similarity"] = Double(similarity) }
            return object
        }

        static func json(_ summary: ImageScoreSummary) -> [String: Any] {
            [
                "images": summary.images, "captioned": summary.captioned, "attribute_accuracy": summary.attributeAccuracy,
                "all_correct": summary.allCorrect ?? NSNull(), "mean_alignment": summary.meanAlignment ?? NSNull(),
                "mean_pairwise_similarity": summary.meanPairwiseSimilarity ?? NSNull(),
                "mean_reference_similarity": summary.meanReferenceSimilarity ?? NSNull(),
            ]
        }

        /// One row per image (`class probability` per attribute, then alignment and ✓/✗), then the summary.
        static func table(_ scores: [ImageScore], summary: ImageScoreSummary) -> String {
            let names = scores.first?.attributes.map(\.attribute) ?? []
            let header = ["file"] + names + ["alignment", "right"]
            let rows = scores.map { score in
                [score.file] + score.attributes.map { String(format: "%@ %.2f", $0.className, $0.probability) }
                    + [score.alignment.map { String(format: "%.3f", $0) } ?? "-", score.allCorrect.map { $0 ? "yes" : "no" } ?? "-"]
            }
            let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
            func line(_ cells: [String]) -> String {
                zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
            }
            var lines = [line(header)] + rows.map(line)
            func format(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "-" }
            lines.append("")
            lines.append("images \(summary.images), captioned \(summary.captioned)")
            if !summary.attributeAccuracy.isEmpty {
                lines.append("accuracy: " + summary.attributeAccuracy.sorted { $0.key < $1.key }
                    .map { "\($0.key) \(format($0.value))" }.joined(separator: ", "))
            }
            lines.append("all right \(format(summary.allCorrect)), mean alignment \(format(summary.meanAlignment)), "
                + "mean pairwise similarity \(format(summary.meanPairwiseSimilarity))"
                + (summary.meanReferenceSimilarity.map { ", mean reference similarity \(format($0))" } ?? ""))
            return lines.joined(separator: "\n")
        }
    }
}
