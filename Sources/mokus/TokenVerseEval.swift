import ArgumentParser
import Evaluator
import Foundation
import Personalization
import World

extension Mokus.TokenVerseCommand {
    /// `mokus tokenverse eval`: the DreamBench-Abs-style evaluation on the world.
    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate TokenVerse on the world: concept preservation, prompt fidelity, composition (a report folder).",
            discussion: """
                Learns the first --concepts reserved concepts of the world (rendered on drawn backgrounds; words: \
                colour, pattern, shape, background), then draws single-concept prompts (object, pattern, colour \
                tone, background) and compositions of 2 and 3 concepts from different images, each with --seeds \
                noises, plainly and with Δ, and scores them with the world's evaluator. --out gets report.md, \
                metrics.json, grid.png, the concept images and the Δ files. The generator folder must hold \
                world.json and evaluator/ (the bundled world does).
                """)

        @OptionGroup var model: GeneratorOptions
        @Option(help: ArgumentHelp("Report folder (must not exist).", valueName: "dir")) var out: String
        @OptionGroup var evaluation: PersonalizationEvalOptions
        @OptionGroup var learning: TokenVerseOptions
        @OptionGroup var output: JSONOutputOption
        @OptionGroup var progress: ProgressOptions
        @OptionGroup var memory: MemoryOptions

        func validate() throws {
            _ = try OutputPlan([.init(option: "--out", path: out, isFolder: true)])
        }

        func run() throws {
            memory.apply()
            let pipeline = try TokenVersePipeline(model)
            let world = try World.load(from: pipeline.folder)
            let evaluator = try ImageEvaluator.load(
                from: pipeline.folder.appending(path: WorldFolder.evaluator), expectedSchema: EvaluatorRecipe.schema)
            var settings = evaluation.settings(pipeline)
            settings.isolationImages = learning.isolationImages
            settings.learning = learning.settings(caption: "", words: [])
            let metrics = try TokenVerseEvaluation.run(
                world: world, generator: pipeline.generator, baseFingerprint: pipeline.fingerprint, prompts: pipeline.prompts,
                evaluator: evaluator, settings: settings, out: URL(fileURLWithPath: out, isDirectory: true), progress: progress.reporter)
            try evaluation.report(metrics, out: out, json: output.json)
        }
    }
}

/// The evaluation's concept count, seeds, prompts' seed and sampling, shared by `tokenverse eval`
/// and `modadapter eval` (the same seed gives both the same concept images and prompts).
struct PersonalizationEvalOptions: ParsableArguments {
    @Option(help: "Concept images (3...16).") var concepts = 4
    @Option(help: "Noise seeds per prompt.") var seeds = 4
    @Option(help: "Seed of the concept backgrounds, the prompts' other attributes and the base captions.") var evalSeed: UInt64 = 0
    @Option(help: "Denoising steps (default: the pipeline's).") var samplingSteps: Int?
    @Option(help: "True classifier-free guidance scale.") var guidance: Float = 4

    func validate() throws {
        try ArgumentChecks.check("--concepts", concepts, in: 3...16)
        try ArgumentChecks.check("--seeds", seeds, in: 1...64)
        try ArgumentChecks.check("--sampling-steps", samplingSteps, in: 1...10_000)
        try ArgumentChecks.check("--guidance", guidance, in: 0...100)
    }

    func settings(_ pipeline: TokenVersePipeline) -> TokenVerseEvaluationSettings {
        var settings = TokenVerseEvaluationSettings(
            generation: pipeline.generation(steps: samplingSteps, guidance: guidance), negativePrompt: pipeline.defaults.negativePrompt)
        settings.conceptCount = concepts
        settings.seeds = seeds
        settings.seed = evalSeed
        return settings
    }

    /// Prints the summary as JSON, or the report folder.
    func report(_ metrics: TokenVerseMetrics, out: String, json: Bool) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(metrics.summary), as: UTF8.self))
        } else {
            print(out)
        }
    }
}
