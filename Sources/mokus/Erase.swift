import ArgumentParser
import Evaluator
import Foundation
import MoKus

extension Mokus {
    /// `mokus erase`: concept erasure by knowledge editing (``MoKus/ConceptErasure``).
    struct Erase: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a concept: edit the text encoder so prompts naming it no longer draw it.",
            discussion: """
                Every --query form about --concept ("What is a star?", …) is edited to answer --replacement (or, with \
                --neutral or neither, "an object") with the --hparams editor, one edit per form. A concept with a word \
                the pipeline's world does not know is refused. --out (a new folder, written atomically) gets \
                report.md, metrics.json, grid.png, figures.svg, images/ and edits.safetensors (mokus apply --edits): \
                every --prompt and --paraphrase naming the concept, and every --prompt with each --other concept, \
                drawn by the unedited pipeline, with the edited encoder, and by the negative-prompt baseline (the \
                unedited encoder, true CFG with the concept as negative prompt), and with --enc-ft by the Enc-FT \
                baseline (the unedited encoder's --enc-ft-layer parameters fine-tuned so the query forms and the bare \
                concept encode as with the replacement, the other concepts' forms kept); the pipeline's evaluator/ reads \
                whether the concept is still recognised and whether the other concepts' images are kept. \
                See docs/applications.md.
                """)

        static let defaultPrompts = ["a small red striped {}", "a large blue solid {}", "a small yellow dotted {} on a teal background",
                                     "a large green checkered {} on a maroon background"]
        static let defaultParaphrases = ["a {}", "a pink {} on a navy background", "a large {}"]

        @OptionGroup var model: GeneratorOptions
        @Option(help: ArgumentHelp("The concept to erase, as prompts name it.", valueName: "text")) var concept: String
        @Option(help: ArgumentHelp("What its queries answer instead.", valueName: "text")) var replacement: String?
        @Flag(help: "Answer the neutral \"an object\" (the default when --replacement is not given).") var neutral = false
        @Option(help: ArgumentHelp("New folder for the report and the edits.", valueName: "dir")) var out: String
        @Option(name: .customLong("query"), help: ArgumentHelp(
            "A query form, {knowledge} for the concept; repeatable (default: four question forms).", valueName: "text"))
        var queries: [String] = []
        @Option(name: .customLong("prompt"), help: ArgumentHelp(
            "A prompt naming the concept as {}; repeatable (default: four world descriptions).", valueName: "text"))
        var prompts: [String] = []
        @Option(name: .customLong("paraphrase"), help: ArgumentHelp(
            "Another wording naming the concept as {}; repeatable (default: three).", valueName: "text"))
        var paraphrases: [String] = []
        @Option(name: .customLong("other"), help: ArgumentHelp(
            "Another concept drawn in the --prompts (preservation); repeatable (default: the other classes of the evaluator "
                + "attribute the concept is a class of).", valueName: "text"))
        var others: [String] = []
        @OptionGroup var editing: PipelineEditorOptions
        @OptionGroup var fineTuning: EncoderFineTuningOptions
        @OptionGroup var images: ReportImageOptions
        @OptionGroup var output: JSONOutputOption
        @OptionGroup var progress: ProgressOptions
        @OptionGroup var memory: MemoryOptions

        func validate() throws {
            if neutral && replacement != nil { throw ValidationError("--replacement and --neutral: give one, not both.") }
            _ = try OutputPlan([.init(option: "--out", path: out, isFolder: true)])
            _ = try (queries.isEmpty ? ConceptErasure.defaultQueries : queries).map { try KnowledgeQuery(template: $0) }
        }

        func run() throws {
            memory.apply()
            let pipeline = try model.pipeline()
            let evaluator = try ReportImageOptions.evaluator(of: pipeline)
            let request = ConceptErasure.Request(
                concept: concept, replacement: replacement ?? ConceptErasure.neutralReplacement,
                prompts: prompts.isEmpty ? Self.defaultPrompts : prompts,
                paraphrases: paraphrases.isEmpty ? Self.defaultParaphrases : paraphrases,
                others: others.isEmpty ? Self.others(of: concept, evaluator: evaluator) : others)
            let known = try PipelineWorldWords(pipeline: pipeline)?.known
            try ConceptErasure.check(request, knownWords: known)
            let editor = try editing.prepare(encoderDirectory: model.encoderDirectory(pipeline: pipeline), progress: progress.reporter)
            let inputs = ApplicationInputs(
                pipeline: pipeline, encoder: editor.encoder, editor: editor.editor, hyperparameters: editor.file.text,
                report: try images.settings(prompts: request.prompts), reader: evaluator.map(EvaluatorAttributeReader.init))
            let outURL = URL(fileURLWithPath: out, isDirectory: true)
            let metrics = try ConceptErasure.run(
                request, queries: try (queries.isEmpty ? ConceptErasure.defaultQueries : queries).map { try KnowledgeQuery(template: $0) },
                knownWords: known, fineTuning: fineTuning.settings, inputs: inputs, to: outURL, progress: progress.reporter)
            try ApplicationSummary.print(metrics, out: outURL, json: output.json)
        }

        /// The other classes of the one evaluator attribute that has `concept` as a class (star → the
        /// other seven shapes); none without an evaluator or such an attribute.
        static func others(of concept: String, evaluator: ImageEvaluator?) -> [String] {
            let owners = evaluator?.schema.attributes.filter { $0.classes.contains(concept.lowercased()) } ?? []
            return owners.count == 1 ? owners[0].classes.filter { $0 != concept.lowercased() } : []
        }
    }
}
