import ArgumentParser
import Evaluator
import Foundation
import Generators
import MoKus
import ModelInterfaces
import Tensors
import TextEncoders

/// `--hparams` (default UltraEdit on the world's encoder) and where layer statistics come from: the
/// editor of the commands that edit a pipeline's encoder (`customize`, `demo`, `create-concept`, `erase`).
struct PipelineEditorOptions: ParsableArguments {
    /// UltraEdit on the world's encoder (relative to the repository root, where `swift run` runs).
    static let defaultHyperparameters = "hparams/UltraEdit/world.yaml"

    @Option(help: ArgumentHelp(
        "EasyEdit hparams YAML of the edit (alg_name selects the editor; model_name is ignored: the generator's "
            + "text encoder is edited).", valueName: "file"))
    var hparams = PipelineEditorOptions.defaultHyperparameters
    @OptionGroup var statistics: StatisticsOptions

    /// The editor --hparams names, on the encoder in `encoderDirectory`.
    func prepare(encoderDirectory: URL, progress: (any ProgressReporter)?) throws -> EditingRun {
        try statistics.prepare(hparams: hparams, model: encoderDirectory, progress: progress)
    }
}

/// How a report draws its images (`--seeds`, `--guidance`, `--sampling-steps`).
struct ReportImageOptions: ParsableArguments {
    @Option(help: "Images per prompt in the report (seeds 0, 1, …).") var seeds = 4
    @Option(help: "True classifier-free guidance of the report's images (as mokus generate).") var guidance: Float = 4
    @Option(help: "Denoising steps of the report's images (default: the pipeline's).") var samplingSteps: Int?

    func validate() throws {
        try ArgumentChecks.check("--seeds", seeds, in: 1...64)
        try ArgumentChecks.check("--guidance", guidance, in: 0...100)
        try ArgumentChecks.check("--sampling-steps", samplingSteps, in: 1...1000)
    }

    /// The report settings drawing `prompts` ({} for the phrase) with these options.
    func settings(prompts: [String]) throws -> CustomizationReportSettings {
        var settings = try CustomizationReportSettings(prompts: prompts, seeds: (0..<UInt64(seeds)).map { $0 })
        settings.guidance = guidance
        settings.samplingSteps = samplingSteps
        return settings
    }

    /// The pipeline's `evaluator/` (the world's) when it has one.
    static func evaluator(of pipeline: URL) throws -> ImageEvaluator? {
        let folder = pipeline.appending(path: "evaluator")
        return FileManager.default.fileExists(atPath: folder.path(percentEncoded: false)) ? try ImageEvaluator.load(from: folder) : nil
    }
}

/// The stage-2 and report options of `customize` and `demo`, and the run they share.
struct CustomizationOptions: ParsableArguments {
    @OptionGroup var editing: PipelineEditorOptions
    @Option(help: "Query template; {knowledge} is replaced by each statement.")
    var template = KnowledgeQuery.defaultTemplate
    @Option(help: "Chat wrapping of the query: qwen-image or none.")
    var chatTemplate: KnowledgeQuery.ChatTemplate = .none
    @Option(name: .customLong("prompt"), help: ArgumentHelp(
        "A report prompt, {} standing for the phrase; repeatable (default: \"{}\" and \"{} on a grey background\").",
        valueName: "text"))
    var prompts: [String] = []
    @OptionGroup var images: ReportImageOptions

    func validate() throws {
        _ = try KnowledgeQuery(template: template, chatTemplate: chatTemplate)
        _ = try reportSettings(defaultPrompts: CustomizationReportSettings.defaultPrompts)
    }

    func reportSettings(defaultPrompts: [String]) throws -> CustomizationReportSettings {
        try images.settings(prompts: prompts.isEmpty ? defaultPrompts : prompts)
    }

    /// Customises `pipeline` into `out` (``Customization/run(_:to:progress:)``): the editor from
    /// --hparams on `encoderDirectory`, scores by the pipeline's `evaluator/` when it has one (the
    /// world's), progress on stderr; prints the summary (or `--json`, the metrics).
    func run(
        pipeline: URL, encoderDirectory: URL, images: URL, knowledge: [ConceptKnowledge], knowledgeFile: String,
        concept: ConceptSource, defaultPrompts: [String], out: URL, json: Bool, progress: (any ProgressReporter)?
    ) throws -> CustomizationMetrics {
        let editing = try editing.prepare(encoderDirectory: encoderDirectory, progress: progress)
        let evaluator = try ReportImageOptions.evaluator(of: pipeline)
        let scorer: ((Tensor) throws -> any ConceptImageScorer)? =
            evaluator.map { evaluator in { try EvaluatorConceptScorer(evaluator: evaluator, conceptImages: $0) } }
        let inputs = Customization.Inputs(
            pipeline: pipeline, images: images, knowledge: knowledge, knowledgeFile: knowledgeFile, concept: concept,
            editor: editing.editor, encoder: editing.encoder, hyperparameters: editing.file.text,
            query: try KnowledgeQuery(template: template, chatTemplate: chatTemplate),
            report: try reportSettings(defaultPrompts: defaultPrompts), scorer: scorer)
        let metrics = try Customization.run(inputs, to: out, progress: progress)
        if json {
            try printJSON(try JSONSerialization.jsonObject(with: metrics.json()))
        } else {
            print(Self.summary(metrics, out: out))
        }
        return metrics
    }

    /// The lines printed after a run: where the output is and the acceptance figures.
    static func summary(_ m: CustomizationMetrics, out: URL) -> String {
        func number(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "–" }
        var path = out.path(percentEncoded: false)
        if path.count > 1 && path.hasSuffix("/") { path.removeLast() }  // a directory URL's trailing slash
        return """
            \(path): customised pipeline (mokus generate --generator \(path)), report \(path)/report.md
            stage 1: \(String(format: "%.1f s", m.stage1.seconds)); similarity to the concept with the LoRA \
            \(number(m.stage1.similarityWithLora)), without \(number(m.stage1.similarityWithoutLora))
            stage 2: \(m.editor), \(m.knowledge.count) statements, \(String(format: "%.2f s", m.stage2.secondsPerItem)) each; \
            \(m.stage2.update.answered)/\(m.stage2.update.rows.count) queries answer the anchor
            knowledge phrases' similarity \(number(m.stage2.knowledgeSimilarity)) vs the anchor's \
            \(number(m.stage2.anchorSimilarity)); context attribute right \(number(m.stage2.knowledgeContextAccuracy))
            """
    }
}
