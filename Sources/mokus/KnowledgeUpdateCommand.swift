import ArgumentParser
import Foundation
import KnowledgeEditing
import MoKus
import Statistics
import TextEncoders

extension Mokus {
    /// `mokus knowledge-update`: MoKus textual knowledge updating (stage 2) on a text encoder.
    struct KnowledgeUpdateCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "knowledge-update",
            abstract: "Make every knowledge statement of a concept answer its anchor (MoKus stage 2).",
            discussion: """
                Each statement k becomes the query the template makes of it (default "What is {knowledge}?"), \
                optionally wrapped in Qwen-Image's chat template; the editor the hparams' alg_name selects \
                writes query -> " anchor", one statement per edit, sequentially. Greedy decoding verifies \
                each query before and after. The edited encoder is saved as a checkpoint directory --out, \
                with the edits in --out/mokus-edits.safetensors. See docs/mokus.md.
                """)

        @Option(help: ArgumentHelp("EasyEdit hparams YAML (alg_name selects the editor).", valueName: "file"))
        var hparams: String
        @Option(help: ArgumentHelp("Knowledge file: JSON or the text format of docs/mokus.md.", valueName: "file"))
        var knowledge: String
        @Option(help: ArgumentHelp("New checkpoint directory for the edited encoder.", valueName: "dir"))
        var out: String
        @Option(help: ArgumentHelp("Checkpoint directory; default: the hparams file's model_name.", valueName: "dir"))
        var model: String?
        @Option(help: "Query template; {knowledge} is replaced by each statement.")
        var template = KnowledgeQuery.defaultTemplate
        @Option(help: "Chat wrapping of the query: qwen-image or none.")
        var chatTemplate: KnowledgeQuery.ChatTemplate = .none
        @Option(help: ArgumentHelp("Text corpus for layer statistics (locate-then-edit editors only).", valueName: "file"))
        var corpus: String?
        @Flag(help: "Print machine-readable JSON on stdout.") var json = false
        @OptionGroup var progress: ProgressOptions

        func validate() throws {
            if FileManager.default.fileExists(atPath: out) {
                throw ValidationError("--out: \(out) already exists; choose a new directory.")
            }
            _ = try KnowledgeQuery(template: template, chatTemplate: chatTemplate)
        }

        func run() throws {
            let file = try HyperparameterFile(contentsOf: URL(fileURLWithPath: hparams))
            let header = try file.decode(ModelName.self, keys: file.keys.map(\.name))
            let concepts = try ConceptKnowledge.read(contentsOf: URL(fileURLWithPath: knowledge))
            let query = try KnowledgeQuery(template: template, chatTemplate: chatTemplate)
            let modelDirectory = URL(fileURLWithPath: model ?? header.modelName, isDirectory: true)
            let encoder = try TextEncoderLoader.load(directory: modelDirectory)
            let statistics = StatisticsSource(
                encoder: encoder, cacheDirectory: URL(fileURLWithPath: header.statisticsDirectory ?? "data/stats"),
                corpus: corpus.map { TextCorpus(url: URL(fileURLWithPath: $0), jsonField: "text") },
                budget: StatisticsBudget(maxDocuments: header.sampleCount), progress: progress.reporter)
            let editor = try Editors.registry.editor(for: file, context: EditingContext(statistics: statistics))
            let session = EditSession(encoder: encoder)
            let report = try KnowledgeUpdate.run(
                concepts, query: query, editor: editor, session: session, progress: progress.reporter)
            try KnowledgeUpdate.save(encoder, session: session, to: URL(fileURLWithPath: out, isDirectory: true),
                                     hyperparameters: file.text)
            if json {
                try printJSON(try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)))
            } else {
                print("\(report.algorithm): \(report.rows.count) knowledge edit(s), "
                      + String(format: "%.2f s", report.editSeconds.reduce(0, +)) + "; saved to \(out)")
                print(report.table)
            }
        }
    }
}

/// The hparams keys this command reads itself, decoded leniently.
private struct ModelName: Decodable {
    var modelName: String
    var statisticsDirectory: String?
    var sampleCount: Int?

    enum CodingKeys: String, CodingKey {
        case modelName = "model_name", statisticsDirectory = "stats_dir", sampleCount = "mom2_n_samples"
    }
}

extension KnowledgeQuery.ChatTemplate: ExpressibleByArgument {}
