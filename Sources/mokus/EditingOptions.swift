import ArgumentParser
import Foundation
import KnowledgeEditing
import ModelInterfaces
import Statistics
import TextEncoders

/// The options of the commands that edit with an EasyEdit hparams file (`edit`,
/// `knowledge-update`): the hparams, the model and where layer statistics come from.
struct EditingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("EasyEdit hparams YAML (alg_name selects the editor).", valueName: "file"))
    var hparams: String
    @Option(help: ArgumentHelp(
        "Checkpoint directory; default: the hparams file's model_name, else the bundled world's text encoder.",
        valueName: "dir"))
    var model: String?
    @OptionGroup var statistics: StatisticsOptions

    /// Reads the hparams file once, loads the model it names (or `--model`) and builds the editor
    /// its `alg_name` selects, with layer statistics from `--stats`, the cache, or the corpus;
    /// the editor (and statistics computed for it) report to `progress`; `recordsIntermediates`
    /// makes the editor return its intermediates (``EditResult/intermediates``).
    func prepare(progress: (any ProgressReporter)?, recordsIntermediates: Bool = false) throws -> EditingRun {
        try statistics.prepare(
            hparams: hparams, model: model.map { URL(fileURLWithPath: $0, isDirectory: true) }, progress: progress,
            recordsIntermediates: recordsIntermediates)
    }

    /// The editor `file` names for `encoder`, its layer statistics read or computed as `settings`
    /// say unless overridden: `corpus` (else `mom2_dataset` when it names a file), `statsDir` (else
    /// `stats_dir`, else data/stats), statistics files `stats`.
    static func editor(
        for file: HyperparameterFile, settings: RunSettings, encoder: any TextEncoder, corpus: String? = nil,
        statsDir: String? = nil, stats: [String] = [], progress: (any ProgressReporter)?, recordsIntermediates: Bool = false
    ) throws -> any KnowledgeEditor {
        let statistics = StatisticsSource(
            encoder: encoder, cacheDirectory: URL(fileURLWithPath: statsDir ?? settings.statisticsDirectory ?? "data/stats"),
            corpus: (corpus ?? settings.localDataset).map { TextCorpus(url: URL(fileURLWithPath: $0), jsonField: "text") },
            budget: StatisticsBudget(maxDocuments: settings.sampleCount), files: stats.map { URL(fileURLWithPath: $0) })
        let context = EditingContext(statistics: statistics, progress: progress, recordsIntermediates: recordsIntermediates)
        return try Editors.registry.editor(for: file, context: context)
    }
}

/// Where an editor's layer statistics come from (`--corpus`, `--stats-dir`, `--stats`), shared by the
/// commands that edit (`edit`, `knowledge-update`, `customize`).
struct StatisticsOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Text corpus (plain text or JSONL with a text field) for layer statistics; default: the hparams file's "
            + "mom2_dataset when it names a file.", valueName: "file"))
    var corpus: String?
    @Option(help: ArgumentHelp("Statistics cache directory; default: the hparams file's stats_dir.", valueName: "dir"))
    var statsDir: String?
    @Option(help: ArgumentHelp("A statistics file to use for its module (from `mokus stats`); repeatable.", valueName: "file"))
    var stats: [String] = []

    /// Reads the hparams file once, loads `model` (else the file's `model_name`, else the bundled
    /// world's text encoder) and builds the editor its `alg_name` selects.
    func prepare(
        hparams: String, model: URL?, progress: (any ProgressReporter)?, recordsIntermediates: Bool = false
    ) throws -> EditingRun {
        let file = try HyperparameterFile(contentsOf: URL(fileURLWithPath: hparams))
        let settings = try file.decode(RunSettings.self, keys: file.keys.map(\.name))
        let encoder = try TextEncoderLoader.load(
            directory: try model ?? settings.modelName.map { URL(fileURLWithPath: $0, isDirectory: true) }
                ?? EmbeddedModels.textEncoder())
        let editor = try EditingOptions.editor(
            for: file, settings: settings, encoder: encoder, corpus: corpus, statsDir: statsDir, stats: stats,
            progress: progress, recordsIntermediates: recordsIntermediates)
        return EditingRun(file: file, settings: settings, encoder: encoder, editor: editor)
    }
}

/// What ``EditingOptions/prepare(progress:)`` sets up.
struct EditingRun {
    let file: HyperparameterFile
    let settings: RunSettings
    let encoder: TransformerTextEncoder
    let editor: any KnowledgeEditor
}

/// The hparams keys the commands read themselves (the editor decodes its own), decoded leniently.
struct RunSettings: Decodable {
    var modelName: String?
    var statisticsDirectory: String?
    var sampleCount: Int?
    var batchSize: Int?
    /// `mom2_dataset`: EasyEdit's dataset name ("wikipedia"), or here also a local corpus file.
    var dataset: String?

    enum CodingKeys: String, CodingKey {
        case modelName = "model_name", statisticsDirectory = "stats_dir", sampleCount = "mom2_n_samples"
        case batchSize = "batch_size", dataset = "mom2_dataset"
    }

    /// `mom2_dataset` when it names an existing file (relative to the working directory).
    var localDataset: String? {
        dataset.flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil }
    }
}

/// `--json`: print machine-readable JSON on stdout instead of text.
struct JSONOutputOption: ParsableArguments {
    @Flag(help: "Print machine-readable JSON on stdout.") var json = false
}
