import ArgumentParser
import Foundation
import MoKus
import Tensors
import World

extension Mokus {
    /// `mokus repair`: world-knowledge repair (``MoKus/KnowledgeRepair``), and `--corrupt`, which
    /// makes the world variant with wrong facts to repair.
    struct Repair: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Repair wrong facts in the text encoder, and score the images of prompts that rely on them.",
            discussion: """
                --facts FILE: every correction (a JSON list or one object: {"subject", "relation" (a template with {}) \
                or "prompt" (the phrase naming the subject), "answer"}, or EasyEdit's {"prompt", "subject", \
                "target_new"}) is edited back with the --hparams editor, one edit per --query form (EasyEdit records: \
                their prompt). A correction naming no entity of the pipeline's world is refused unless --force. --out \
                (a new folder, written atomically) gets report.md, metrics.json, grid.png, figures.svg, images/ and \
                edits.safetensors (mokus apply --edits): every --prompt naming each corrected fact and --untouched \
                other facts of the world, drawn before and after the repair and read by the pipeline's evaluator/, and \
                text probes (the corrections' --paraphrase forms, the untouched facts' questions) before and after. \
                --corrupt N instead writes --out as a pipeline folder whose text_encoder/ holds N wrong facts \
                (captioned entities' facts chosen by --seed, answers rotated among them, edited in with the --hparams \
                editor), with corrections.json, corruption.json and edits.safetensors. See docs/applications.md.
                """)

        static let defaultPrompts = ["{}", "{} on a teal background"]

        @OptionGroup var model: GeneratorOptions
        @Option(help: ArgumentHelp("The corrections (JSON).", valueName: "file")) var facts: String?
        @Option(help: ArgumentHelp("Write a pipeline with this many wrong facts instead of repairing.", valueName: "count"))
        var corrupt: Int?
        @Option(help: "Seed of the facts --corrupt swaps and of the --untouched facts.") var seed: UInt64 = 0
        @Option(help: ArgumentHelp("New folder for the report and the edits (the pipeline, with --corrupt).", valueName: "dir"))
        var out: String
        @Flag(help: "Edit corrections that name no entity of the pipeline's world.") var force = false
        @Option(help: "Facts of the world no correction names, drawn and probed before and after (preservation).")
        var untouched = 4
        @Option(name: .customLong("query"), help: ArgumentHelp(
            "A query form edited per fact, {knowledge} for its phrase; repeatable (default: the world's four question forms).",
            valueName: "text"))
        var queries: [String] = []
        @Option(name: .customLong("paraphrase"), help: ArgumentHelp(
            "A probe form of the corrections (not edited), {knowledge} for the phrase; repeatable (default: two held-out "
                + "question forms).", valueName: "text"))
        var paraphrases: [String] = []
        @Option(name: .customLong("prompt"), help: ArgumentHelp(
            "A report prompt, {} for a fact's phrase; repeatable (default: \"{}\", \"{} on a teal background\").", valueName: "text"))
        var prompts: [String] = []
        @OptionGroup var editing: PipelineEditorOptions
        @OptionGroup var images: ReportImageOptions
        @OptionGroup var output: JSONOutputOption
        @OptionGroup var progress: ProgressOptions
        @OptionGroup var memory: MemoryOptions

        func validate() throws {
            guard (facts == nil) != (corrupt == nil) else { throw ValidationError("--facts and --corrupt: give exactly one.") }
            try ArgumentChecks.check("--corrupt", corrupt, in: 2...1_440)
            try ArgumentChecks.check("--untouched", untouched, in: 0...1_440)
            _ = try OutputPlan([.init(option: "--out", path: out, isFolder: true)])
            _ = try queryForms(queries, default: KnowledgeRepair.defaultQueries)
            _ = try queryForms(paraphrases, default: KnowledgeRepair.defaultParaphrases)
            _ = try images.settings(prompts: prompts.isEmpty ? Self.defaultPrompts : prompts)
        }

        func queryForms(_ templates: [String], default defaults: [String]) throws -> [KnowledgeQuery] {
            try (templates.isEmpty ? defaults : templates).map { try KnowledgeQuery(template: $0) }
        }

        func run() throws {
            memory.apply()
            let pipeline = try model.pipeline()
            let hasWorld = FileManager.default.fileExists(atPath: pipeline.appending(path: World.fileName).path(percentEncoded: false))
            let world = hasWorld ? try World.load(from: pipeline) : nil
            let outURL = URL(fileURLWithPath: out, isDirectory: true)
            if let corrupt { return try runCorruption(count: corrupt, world: world, pipeline: pipeline, out: outURL) }
            guard let facts else { return }
            let corrections = try KnowledgeRepair.read(contentsOf: URL(fileURLWithPath: facts))
            let entities = world?.entities.map(\.name)
            try KnowledgeRepair.check(corrections, file: facts, entities: entities, force: force)
            let phrases = Set(corrections.map(\.phrase))
            let others = Self.facts(of: world).filter { !phrases.contains($0.phrase) }
            let editor = try editing.prepare(encoderDirectory: model.encoderDirectory(pipeline: pipeline), progress: progress.reporter)
            let inputs = ApplicationInputs(
                pipeline: pipeline, encoder: editor.encoder, editor: editor.editor, hyperparameters: editor.file.text,
                report: try images.settings(prompts: prompts.isEmpty ? Self.defaultPrompts : prompts),
                reader: try ReportImageOptions.evaluator(of: pipeline).map(EvaluatorAttributeReader.init))
            let metrics = try KnowledgeRepair.run(
                corrections, file: facts, untouched: Self.choose(untouched, of: others, seed: seed), entities: entities, force: force,
                queries: try queryForms(queries, default: KnowledgeRepair.defaultQueries),
                paraphrases: try queryForms(paraphrases, default: KnowledgeRepair.defaultParaphrases), inputs: inputs, to: outURL,
                progress: progress.reporter)
            try ApplicationSummary.print(metrics, out: outURL, json: output.json)
        }

        /// `--corrupt`: rotates the answers of `count` captioned facts and writes the corrupted pipeline.
        func runCorruption(count: Int, world: World?, pipeline: URL, out: URL) throws {
            guard let world else {
                throw ValidationError("--corrupt needs a pipeline with a \(World.fileName) (the world whose facts it swaps).")
            }
            let captioned = world.captionedFacts
            let swapped = try KnowledgeRepair.swapAnswers(of: Self.facts(captioned), count: count, seed: seed)
            let corrections = swapped.map { index, _ in
                KnowledgeRepair.Correction(subject: captioned[index].entity, relation: captioned[index].relation.template,
                                           answer: captioned[index].object.phrase)
            }
            let editor = try editing.prepare(encoderDirectory: model.encoderDirectory(pipeline: pipeline), progress: progress.reporter)
            let report = try KnowledgeRepair.corrupt(
                swapped.map(\.wrong), corrections: corrections, queries: try queryForms(queries, default: KnowledgeRepair.defaultQueries),
                editor: editor.editor, encoder: editor.encoder, hyperparameters: editor.file.text, pipeline: pipeline, to: out)
            if output.json { return try printJSON(try JSONSerialization.jsonObject(with: JSONEncoder().encode(report))) }
            var path = out.path(percentEncoded: false)
            if path.count > 1 && path.hasSuffix("/") { path.removeLast() }  // a directory URL's trailing slash
            print("\(path): \(count) facts swapped with \(report.algorithm); \(report.answered)/\(report.rows.count) queries answer the "
                  + "wrong object (before: \(report.rows.filter(\.before.exactMatch).count)); repair with mokus repair --facts "
                  + "\(path)/\(KnowledgeRepair.correctionsFile) --generator \(path)")
        }

        /// The world's facts as repair facts (phrase, object phrase); none without a world.
        static func facts(of world: World?) -> [KnowledgeRepair.Fact] { facts(world?.facts ?? []) }

        static func facts(_ facts: [Fact]) -> [KnowledgeRepair.Fact] {
            facts.map { KnowledgeRepair.Fact(phrase: $0.knowledgePhrase, answer: $0.object.phrase) }
        }

        /// `count` of `facts` in a seeded order (all of them when fewer).
        static func choose(_ count: Int, of facts: [KnowledgeRepair.Fact], seed: UInt64) -> [KnowledgeRepair.Fact] {
            var random = RandomGenerator(seed: seed)
            return random.permutation(facts.count).prefix(count).map { facts[$0] }
        }
    }
}
