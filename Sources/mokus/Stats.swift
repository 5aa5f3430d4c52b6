import ArgumentParser
import Foundation
import KnowledgeEditing
import ModelIO
import Statistics
import TextEncoders

extension Mokus {
    /// `mokus stats`: layer statistics C = E[k kᵀ] for MEMIT, AlphaEdit and ROME's
    /// `mom2_adjustment`.
    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compute, merge or import layer statistics (the key second moment C = E[k kᵀ]).",
            discussion: """
                Large corpora run as parallel jobs on any scheduler: `compute --shard i/n` writes a \
                partial sum and count, and `merge` adds the partials. Files record the model's \
                fingerprint and module, so statistics for another model are refused.
                """,
            subcommands: [Compute.self, Merge.self, ImportNPZ.self])

        struct Compute: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Statistics of one module's input over a corpus.")
            @OptionGroup var model: ModelOptions
            @Option(help: "Module whose input is measured (e.g. model.layers.5.mlp.down_proj).") var module: String
            @Option(help: ArgumentHelp("Corpus: plain text (one document per line) or .jsonl.", valueName: "file"))
            var corpus: String
            @Option(help: "JSONL field holding the text.") var jsonField = "text"
            @Option(help: "Stop after this many tokens.") var maxTokens: Int?
            @Option(help: "Stop after this many documents.") var maxDocuments: Int?
            @Option(help: "Truncate documents to this many tokens.") var maxLength = StatisticsBudget.defaultMaxLength
            @Option(help: ArgumentHelp("Compute shard i of n (documents i, i+n, …).", valueName: "i/n")) var shard: String?
            @Option(help: ArgumentHelp("Output statistics file (.safetensors).", valueName: "file")) var out: String
            @OptionGroup var progress: ProgressOptions
            @OptionGroup var memory: MemoryOptions

            func run() throws {
                memory.apply()
                let encoder = try loadEncoder(model)
                let url = URL(fileURLWithPath: corpus)
                let source = url.pathExtension.lowercased() == "jsonl" ? TextCorpus(url: url, jsonField: jsonField)
                                                                        : TextCorpus(url: url, format: .lines)
                let statistics = try LayerStatistics.compute(
                    encoder: encoder, module: module, corpus: source,
                    budget: StatisticsBudget(maxTokens: maxTokens, maxDocuments: maxDocuments, maxLength: maxLength),
                    shard: try shard.map(StatisticsShard.init(parsing:)), progress: progress.reporter)
                try statistics.write(to: URL(fileURLWithPath: out))
                print("\(module): d = \(statistics.moment.dimension), \(statistics.moment.count) tokens → \(out)")
            }
        }

        struct Merge: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add the partial statistics of all shards.")
            @Option(help: ArgumentHelp("Merged statistics file.", valueName: "file")) var out: String
            @Argument(help: "Shard files (every shard 0..n-1 exactly once).") var partials: [String]

            func run() throws {
                let merged = try LayerStatistics.merge(partials.map { URL(fileURLWithPath: $0) })
                try merged.write(to: URL(fileURLWithPath: out))
                print("\(merged.provenance.module): \(merged.moment.count) tokens from \(partials.count) shards → \(out)")
            }
        }

        struct ImportNPZ: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "import-npz",
                abstract: "Convert EasyEdit/ROME .npz statistics (mom2.mom2, mom2.count) for a model's module.")
            @OptionGroup var model: ModelOptions
            @Option(help: "Module the statistics belong to.") var module: String
            @Option(help: ArgumentHelp("EasyEdit statistics file.", valueName: "npz")) var npz: String
            @Option(help: ArgumentHelp("Output statistics file (.safetensors).", valueName: "file")) var out: String

            func run() throws {
                let encoder = try loadEncoder(model)
                let url = URL(fileURLWithPath: npz)
                let moment = try LayerStatistics.importNPZ(url: url)
                let width = try LayerStatistics.inputWidth(of: module, in: encoder)
                guard width == moment.dimension else {
                    throw StatisticsError.dimensionMismatch(
                        file: npz, expected: width, found: moment.dimension)
                }
                let provenance = StatisticsProvenance(
                    modelFingerprint: encoder.fingerprint, module: module, corpusSHA256: try SHA256.hex(of: Data(contentsOf: url)),
                    corpusFormat: "npz", budget: nil, documentCount: nil, shard: nil)
                try LayerStatistics(moment: moment, provenance: provenance).write(to: URL(fileURLWithPath: out))
                print("\(module): d = \(moment.dimension), \(moment.count) tokens (from \(npz)) → \(out)")
            }
        }
    }
}
