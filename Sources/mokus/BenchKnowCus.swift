import ArgumentParser
import Evaluator
import Foundation
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
            abstract: "MoKus (one row per --hparams editor) against Naive-DB, Enc-FT and the anchor DreamBooth on a world.",
            discussion: """
                Concepts are the world's reserved concepts, knowledge one statement per MoKus perspective, prompts \
                the phrase alone and four changes (background, size as the new-object analogue, colour, pattern). \
                Writes --out/results.json, timings.json, report.md and time-per-item.svg; with --shard i/n only \
                --out/shard-i-of-n.json (join them with mokus bench merge --out). --quick: ≤ 3 min on 2 cores.
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
        @OptionGroup var statistics: StatisticsOptions
        @Option(help: "Query template of MoKus and Enc-FT; {knowledge} is the statement.")
        var template = KnowledgeQuery.defaultTemplate
        @Option(help: "True classifier-free guidance of the images.") var guidance: Float = 4
        @Option(help: "Denoising steps (default: the pipeline's).") var samplingSteps: Int?
        @OptionGroup var progress: ProgressOptions

        var preset: Preset { quick ? .quick : .standard }

        func validate() throws {
            if let shard { _ = try KnowCusShard(parsing: shard) }
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
            let folder = try BundledWorld.resolve(world.map { URL(fileURLWithPath: $0, isDirectory: true) })
            let loaded = try World.load(from: folder)
            let suite = try KnowCusWorldSuite.suite(
                world: loaded, name: world == nil ? "bundled world" : folder.lastPathComponent,
                concepts: Array(0..<(concepts ?? preset.concepts)), images: images ?? preset.images,
                statements: statements ?? preset.statements)
            let encoderFolder = folder.appending(path: WorldFolder.textEncoder)
            let reporter = progress.reporter
            let loadEncoder = { try TextEncoderLoader.load(directory: encoderFolder) }
            let benchmark = KnowCusBenchmark(
                pipeline: folder, loadEncoder: loadEncoder,
                evaluator: try ImageEvaluator.load(from: folder.appending(path: "evaluator")),
                methods: try editors(encoder: try loadEncoder(), progress: reporter) + [.naiveDreamBooth, .encoderFineTuning],
                settings: try settings())
            let shard = try self.shard.map(KnowCusShard.init(parsing:)) ?? .whole
            let result = try benchmark.run(suite, shard: shard, progress: reporter)
            let url = URL(fileURLWithPath: out, isDirectory: true)
            if self.shard == nil {
                let results = try KnowCusOutput.writeRun([(file: out, result: result)], into: url)
                print("\(out)/report.md: \(results.records.count) records, \(results.info.methods.joined(separator: ", "))")
            } else {
                try KnowCusOutput.writeShard(result, into: url)
                print("\(out)/\(shard.fileName): \(result.units.count) units, \(result.records.count) records")
            }
        }

        /// One MoKus method per hparams file, each editor built once on `encoder` first (so a bad file fails
        /// before anything runs) and named by its algorithm, plus the file's name where two share one.
        func editors(encoder: TransformerTextEncoder, progress: (any ProgressReporter)?) throws -> [KnowCusMethod] {
            let paths = hparams.isEmpty ? preset.hparams : hparams
            let made = try paths.map { path in
                let file = try HyperparameterFile(contentsOf: URL(fileURLWithPath: path))
                let settings = try file.decode(RunSettings.self, keys: file.keys.map(\.name))
                let make = { (encoder: TransformerTextEncoder) in
                    try EditingOptions.editor(
                        for: file, settings: settings, encoder: encoder, corpus: statistics.corpus,
                        statsDir: statistics.statsDir, stats: statistics.stats, progress: progress)
                }
                return (name: type(of: try make(encoder)).algorithmName, file: URL(fileURLWithPath: path).lastPathComponent, make: make)
            }
            return made.map { editor in
                let shared = made.filter { $0.name == editor.name }.count > 1
                return .mokus(name: shared ? "\(editor.name) \(editor.file)" : editor.name, make: editor.make)
            }
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
