import ArgumentParser
import Foundation
import MoKus

extension Mokus {
    /// `mokus create-concept`: virtual concepts from knowledge alone (``MoKus/VirtualConcepts``).
    struct CreateConcept: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create virtual concepts: edit the text encoder so a new name answers its description.",
            discussion: """
                For each --name and its --description (in order), every --query form about the name ("What is \
                zorblax?", "What does zorblax look like?", …) is edited to answer the description with the --hparams \
                editor, one edit per form (no images, no LoRA). A name the pipeline's world already uses (an entity \
                or an attribute word) is refused unless --force. --out (a new folder, written atomically) gets \
                report.md, metrics.json, grid.png, figures.svg, images/ and edits.safetensors (mokus apply --edits \
                replays it on the pipeline's encoder): every --prompt with the name before and after the edit, with \
                the description itself (the reference), and the --unrelated prompts, each attribute read by the \
                pipeline's evaluator/ when it has one. See docs/applications.md.
                """)

        /// The name alone and on a background the generator draws well.
        static let defaultPrompts = ["{}", "{} on a teal background"]
        /// Direct descriptions of world objects (preservation).
        static let defaultUnrelated = ["a large red dotted square", "a small yellow checkered heart on a maroon background",
                                       "a large green solid triangle on a navy background", "a small white striped hexagon"]

        @OptionGroup var model: GeneratorOptions
        @Option(name: .customLong("name"), help: ArgumentHelp("A new concept's name; repeatable.", valueName: "word"))
        var names: [String] = []
        @Option(name: .customLong("description"), help: ArgumentHelp(
            "What the --name of the same position looks like; repeatable.", valueName: "text"))
        var descriptions: [String] = []
        @Option(help: ArgumentHelp("New folder for the report and the edits.", valueName: "dir")) var out: String
        @Flag(help: "Edit names the pipeline's world already uses.") var force = false
        @Option(name: .customLong("query"), help: ArgumentHelp(
            "A query form, {knowledge} for the name; repeatable (default: the world's four question forms).", valueName: "text"))
        var queries: [String] = []
        @Option(name: .customLong("prompt"), help: ArgumentHelp(
            "A report prompt, {} for the name (and the description); repeatable (default: \"{}\", \"{} on a teal background\").",
            valueName: "text"))
        var prompts: [String] = []
        @Option(name: .customLong("unrelated"), help: ArgumentHelp(
            "A prompt about nothing created, drawn before and after; repeatable (default: four world objects).", valueName: "text"))
        var unrelated: [String] = []
        @OptionGroup var editing: PipelineEditorOptions
        @OptionGroup var images: ReportImageOptions
        @OptionGroup var output: JSONOutputOption
        @OptionGroup var progress: ProgressOptions
        @OptionGroup var memory: MemoryOptions

        func validate() throws {
            guard !names.isEmpty, names.count == descriptions.count else {
                throw ValidationError("--name and --description: \(names.count) names and \(descriptions.count) descriptions; "
                                      + "expected one --description per --name, at least one.")
            }
            _ = try OutputPlan([.init(option: "--out", path: out, isFolder: true)])
            _ = try queryForms()
            _ = try images.settings(prompts: prompts.isEmpty ? Self.defaultPrompts : prompts)
        }

        func queryForms() throws -> [KnowledgeQuery] {
            try (queries.isEmpty ? VirtualConcepts.defaultQueries : queries).map { try KnowledgeQuery(template: $0) }
        }

        func run() throws {
            memory.apply()
            let pipeline = try model.pipeline()
            let concepts = zip(names, descriptions).map { VirtualConcepts.Concept(name: $0, description: $1) }
            let taken = try PipelineWorldWords(pipeline: pipeline)?.taken ?? [:]
            try VirtualConcepts.check(concepts, taken: taken, force: force)
            let editor = try editing.prepare(encoderDirectory: model.encoderDirectory(pipeline: pipeline), progress: progress.reporter)
            let inputs = ApplicationInputs(
                pipeline: pipeline, encoder: editor.encoder, editor: editor.editor, hyperparameters: editor.file.text,
                report: try images.settings(prompts: prompts.isEmpty ? Self.defaultPrompts : prompts),
                reader: try ReportImageOptions.evaluator(of: pipeline).map(EvaluatorAttributeReader.init))
            let outURL = URL(fileURLWithPath: out, isDirectory: true)
            let metrics = try VirtualConcepts.run(
                concepts, queries: try queryForms(), unrelated: unrelated.isEmpty ? Self.defaultUnrelated : unrelated, taken: taken,
                force: force, inputs: inputs, to: outURL, progress: progress.reporter)
            try ApplicationSummary.print(metrics, out: outURL, json: output.json)
        }
    }
}
