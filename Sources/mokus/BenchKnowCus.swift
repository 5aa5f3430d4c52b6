import ArgumentParser
import Evaluator
import Foundation
import Generators
import KnowledgeEditing
import MoKus
import ModelInterfaces
import TextEncoders
import Training
import World

extension Mokus.Bench {
    /// `mokus bench knowcus`: the KnowCusBench-style table on a world (docs/benchmark-knowcus.md).
    struct KnowCus: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "knowcus",
            abstract: "MoKus (one row per --hparams editor) against Naive-DB, Enc-FT and the anchor DreamBooth on a world or KnowCusBench data.",
            discussion: """
                On a world (--world, the default) concepts are the world's reserved concepts, knowledge one statement \
                per MoKus perspective, prompts the phrase alone and four changes (background, size as the new-object \
                analogue, colour, pattern). --data reads the published KnowCusBench layout (concept_image/, \
                concept_image/dataset.json, knowledge_data/, visual_ckpt/) and runs it on --generator/--encoder. \
                Writes --out/results.json, timings.json, report.md, time-per-item.svg, eta.svg (with --eta), \
                grid-c<c>.png and images/; with --shard i/n only --out/shard-i-of-n.json and its images (join \
                them with mokus bench merge). --quick: ≤ 3 min on 2 cores.
                """)

        /// The run's size: the default (≤ 30 min on 2 cores) or --quick (≤ 3 min).
        struct Preset {
            var concepts: Int, statements: Int, images: Int, seeds: Int, steps: Int, encoderSteps: Int, samplingSteps: Int?
            var hparams: [String]
            static let standard = Preset(
                concepts: 3, statements: 6, images: 8, seeds: 4, steps: 2000, encoderSteps: 20, samplingSteps: nil,
                hparams: ["hparams/UltraEdit/world.yaml", "hparams/ROME/world.yaml"])
            static let quick = Preset(
                concepts: 1, statements: 3, images: 4, seeds: 3, steps: 500, encoderSteps: 10, samplingSteps: nil,
                hparams: ["hparams/UltraEdit/world.yaml"])
        }

        @Option(help: ArgumentHelp("World folder with world.json and its pipeline (default: the bundled world).", valueName: "dir"),
                completion: .directory)
        var world: String?
        @Option(help: ArgumentHelp(
            "A KnowCusBench folder (concept_image/, knowledge_data/, visual_ckpt/) instead of a world; --concepts, "
                + "--statements, --images limit it only when given (or with --quick).", valueName: "dir"), completion: .directory)
        var data: String?
        @OptionGroup var models: GeneratorOptions
        @Option(help: ArgumentHelp("Run folder (created when missing).", valueName: "dir")) var out: String
        @Option(help: ArgumentHelp("Run shard i of n (0-based), writing only --out/shard-i-of-n.json.", valueName: "i/n"))
        var shard: String?
        @Flag(help: "The quick run: 1 concept, 3 statements, 4 images, 3 seeds, 500 LoRA steps, 10 Enc-FT steps, UltraEdit only.")
        var quick = false
        @Option(help: "Reserved concepts to use, the first N (default 3; --quick 1).") var concepts: Int?
        @Option(help: "Knowledge statements per concept, at most 6 (default 6; --quick 3).") var statements: Int?
        @Option(help: "Concept images per concept (default 8; --quick 4).") var images: Int?
        @Option(help: "Seeds per prompt (default 4; --quick 3).") var seeds: Int?
        @Option(help: "DreamBooth LoRA steps, anchor and Naive-DB (default 2000; --quick 500).") var steps: Int?
        @Option(help: "DreamBooth LoRA learning rate.") var learningRate: Float = 1e-3
        @Option(help: "Enc-FT AdamW steps (default 20; --quick 10).") var encoderSteps: Int?
        @Option(help: "Enc-FT learning rate.") var encoderLearningRate: Float = 1e-4
        @Option(name: .customLong("hparams"), help: ArgumentHelp(
            "An editor's hparams file, one MoKus row each; repeatable (default UltraEdit and ROME world files; --quick UltraEdit).",
            valueName: "file"))
        var hparams: [String] = []
        @Option(help: ArgumentHelp(
            "η ablation: UltraEdit's learning rates (its lr key), comma-separated; one MoKus row each, from the first "
                + "UltraEdit --hparams file (else \(KnowCusEtaAblation.defaultFile)).", valueName: "η,…"),
                transform: KnowCusEtaAblation.parse)
        var eta: [Double]?
        @OptionGroup var statistics: StatisticsOptions
        @Option(help: "Query template of MoKus and Enc-FT; {knowledge} is the statement.")
        var template = KnowledgeQuery.defaultTemplate
        @Option(help: "True classifier-free guidance of the images.") var guidance: Float = 4
        @Option(help: "Denoising steps (default: the pipeline's).") var samplingSteps: Int?
        @OptionGroup var progress: ProgressOptions

        var preset: Preset { quick ? .quick : .standard }

        func validate() throws {
            if let shard { _ = try KnowCusShard(parsing: shard) }
            if data != nil && world != nil { throw ValidationError("--data and --world exclude each other") }
            if data == nil && (models.generator != nil || models.encoder != nil) {
                throw ValidationError("--generator and --encoder go with --data (a world folder holds its own pipeline)")
            }
            try ArgumentChecks.check("--concepts", concepts, in: 1...16)
            try ArgumentChecks.check("--statements", statements, in: 1...6)
            try ArgumentChecks.check("--images", images, in: 1...1000)
            try ArgumentChecks.check("--seeds", seeds, in: 1...64)
            try ArgumentChecks.check("--steps", steps, in: 1...1_000_000)
            try ArgumentChecks.check("--encoder-steps", encoderSteps, in: 1...1_000_000)
            try ArgumentChecks.check("--sampling-steps", samplingSteps, in: 1...1000)
            try ArgumentChecks.check("--learning-rate", learningRate, in: 0...1)
            try ArgumentChecks.check("--encoder-learning-rate", encoderLearningRate, in: 0...1)
            try ArgumentChecks.check("--guidance", guidance, in: 0...100)
            _ = try KnowledgeQuery(template: template)
        }

        func run() throws {
            let (suite, pipeline, encoderFolder, evaluator) = try inputs()
            for (key, _) in suite.concepts.flatMap(\.unknownKeys).sorted(by: { $0.key < $1.key }) {
                FileHandle.standardError.write(Data("note: kept unknown key \(key) (listed in report.md)\n".utf8))
            }
            let reporter = progress.reporter
            let loadEncoder = { try TextEncoderLoader.load(directory: encoderFolder) }
            let benchmark = KnowCusBenchmark(
                pipeline: pipeline, loadEncoder: loadEncoder, evaluator: evaluator,
                methods: try editors(encoder: try loadEncoder(), progress: reporter) + [.naiveDreamBooth, .encoderFineTuning],
                settings: try settings())
            let shard = try self.shard.map(KnowCusShard.init(parsing:)) ?? .whole
            let output = try benchmark.run(suite, shard: shard, progress: reporter)
            let url = URL(fileURLWithPath: out, isDirectory: true)
            if self.shard == nil {
                let results = try KnowCusOutput.writeRun([(file: out, result: output.result)], images: output.images, into: url)
                print("\(out)/report.md: \(results.records.count) records, \(results.info.methods.joined(separator: ", "))")
            } else {
                try KnowCusOutput.writeShard(output, into: url)
                print("\(out)/\(shard.fileName): \(output.result.units.count) units, \(output.result.records.count) records")
            }
        }

        /// The suite, the pipeline folder, the text encoder folder and the evaluator: a world's (its
        /// evaluator required), or the KnowCusBench folder's with --generator/--encoder (the pipeline's
        /// `evaluator/` when it has one, else no scores).
        func inputs() throws -> (KnowCusSuite, URL, URL, ImageEvaluator?) {
            guard let data else {
                let folder = try BundledWorld.resolve(world.map { URL(fileURLWithPath: $0, isDirectory: true) })
                let suite = try KnowCusWorldSuite.suite(
                    world: try World.load(from: folder), name: world == nil ? "bundled world" : folder.lastPathComponent,
                    concepts: Array(0..<(concepts ?? preset.concepts)), images: images ?? preset.images,
                    statements: statements ?? preset.statements)
                return (suite, folder, folder.appending(path: WorldFolder.textEncoder),
                        try ImageEvaluator.load(from: folder.appending(path: WorldFolder.evaluator)))
            }
            let pipeline = try models.pipeline()
            let size = try QwenImagePipelineFolder.defaults(of: pipeline)
            let suite = try KnowCusDataFolder.suite(
                folder: URL(fileURLWithPath: data, isDirectory: true), width: size.width, height: size.height
            ).limited(concepts: concepts ?? (quick ? preset.concepts : nil), statements: statements ?? (quick ? preset.statements : nil),
                      images: images ?? (quick ? preset.images : nil))
            let evaluatorFolder = pipeline.appending(path: WorldFolder.evaluator)
            let evaluator = FileManager.default.fileExists(atPath: evaluatorFolder.path(percentEncoded: false))
                ? try ImageEvaluator.load(from: evaluatorFolder) : nil
            return (suite, pipeline, models.encoderDirectory(pipeline: pipeline), evaluator)
        }

        /// One MoKus method per hparams file, named by its algorithm, plus the file's name where two share
        /// one; then one per --eta value (``KnowCusEtaAblation``).
        func editors(encoder: TransformerTextEncoder, progress: (any ProgressReporter)?) throws -> [KnowCusMethod] {
            let files = try (hparams.isEmpty ? preset.hparams : hparams).map {
                try HyperparameterFile(contentsOf: URL(fileURLWithPath: $0))
            }
            let made = try files.map { try editor($0, encoder: encoder, progress: progress) }
            let rows = zip(files, made).map { file, editor in
                let shared = made.filter { $0.name == editor.name }.count > 1
                let name = shared ? "\(editor.name) \(URL(fileURLWithPath: file.path).lastPathComponent)" : editor.name
                return KnowCusMethod.mokus(name: name, make: editor.make)
            }
            guard let eta else { return rows }
            let ultraEdit = try files.first { $0.algorithmName.uppercased() == "ULTRAEDIT" }
                ?? HyperparameterFile(contentsOf: URL(fileURLWithPath: KnowCusEtaAblation.defaultFile))
            return try rows + eta.map { value in
                let editor = try editor(try KnowCusEtaAblation.file(ultraEdit, eta: value), encoder: encoder, progress: progress)
                return KnowCusMethod.mokus(name: editor.name, eta: value, make: editor.make)
            }
        }

        /// What builds `file`'s editor for a freshly loaded encoder, built once on `encoder` (so a bad file
        /// fails before anything runs), and its algorithm's name.
        func editor(_ file: HyperparameterFile, encoder: TransformerTextEncoder, progress: (any ProgressReporter)?)
            throws -> (name: String, make: (TransformerTextEncoder) throws -> any KnowledgeEditor)
        {
            let settings = try file.decode(RunSettings.self, keys: file.keys.map(\.name))
            let make = { (encoder: TransformerTextEncoder) in
                try EditingOptions.editor(
                    for: file, settings: settings, encoder: encoder, corpus: statistics.corpus,
                    statsDir: statistics.statsDir, stats: statistics.stats, progress: progress)
            }
            return (type(of: try make(encoder)).algorithmName, make)
        }

        func settings() throws -> KnowCusSettings {
            var learning = ConceptLearningSettings(prompt: "")
            learning.training.steps = steps ?? preset.steps
            (learning.training.learningRate, learning.training.minimumLearningRate) = (learningRate, learningRate)
            let tuning = TrainingConfiguration(
                steps: encoderSteps ?? preset.encoderSteps, batchSize: 1, learningRate: encoderLearningRate,
                minimumLearningRate: encoderLearningRate, weightDecay: 0)
            return KnowCusSettings(
                learning: learning, encoderTuning: tuning, query: try KnowledgeQuery(template: template),
                seeds: (0..<UInt64(seeds ?? preset.seeds)).map { $0 }, guidance: guidance,
                samplingSteps: samplingSteps ?? preset.samplingSteps)
        }
    }
}
