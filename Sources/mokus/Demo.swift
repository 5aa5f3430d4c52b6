import ArgumentParser
import Foundation
import MoKus
import World

extension Mokus {
    /// `mokus demo`: the README's first command, MoKus end to end on the bundled world.
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Customise the bundled world's generator with a held-out concept and three facts about it.",
            discussion: """
                Renders --count images of the world's reserved concept --concept (never drawn in training) on \
                --background, learns it as "sks <shape>" (stage 1: --steps at --learning-rate), binds three \
                knowledge statements to it with the --hparams editor (stage 2), and draws four prompts before and \
                after. --out (default: demo; an existing folder is refused unless --force replaces it) is the \
                customised pipeline with report.md, grid.png and metrics.json (see mokus customize). About \
                1 minute on 2 cores in a release build.
                """)

        /// The statements the demo binds (phrases the world's tokenizer knows from its relations).
        static let statements = ["my lucky charm", "my gift from grandmother", "my heaviest keepsake"]
        /// The phrase alone, on two other backgrounds, and in the other size.
        static let prompts = ["{}", "{} on a grey background", "{} on a maroon background", "a small {}"]

        @Option(help: ArgumentHelp("Output folder.", valueName: "dir")) var out = "demo"
        @Flag(help: "Replace --out when it exists.") var force = false
        @Option(help: "The reserved concept to learn (0-based).") var concept = 12
        @Option(help: "The concept images' background.") var background = Background.teal
        @Option(help: "Concept images.") var count = 8
        @Option(help: "Stage 1 optimisation steps (docs/mokus.md: 4000 at 1e-3 reach 0.84 similarity).") var steps = 4000
        @Option(help: "Stage 1 AdamW learning rate.") var learningRate: Float = 1e-3
        @OptionGroup var customization: CustomizationOptions
        @OptionGroup var output: JSONOutputOption
        @OptionGroup var progress: ProgressOptions

        func validate() throws {
            try ArgumentChecks.check("--count", count, in: 1...1000)
            try ArgumentChecks.check("--steps", steps, in: 1...1_000_000)
            try ArgumentChecks.check("--learning-rate", learningRate, in: 0...1)
            if FileManager.default.fileExists(atPath: out) {
                guard force else {
                    throw ValidationError("--out: \(out) already exists; pass --force to replace it, or choose another folder.")
                }
            } else {
                _ = try OutputPlan([.init(option: "--out", path: out, isFolder: true)])
            }
        }

        func run() throws {
            let world = try World.load(from: BundledWorld.directory())
            let captions = try world.conceptCaptions(concept: concept, count: count, background: background, seed: 1)
            let anchor = "sks " + captions[0].scene.object.shape.rawValue
            let scratch = FileManager.default.temporaryDirectory.appending(path: "mokus-demo-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: scratch) }
            let reporter = progress.reporter
            reporter?.begin("rendering the concept", total: count)
            try RenderedDataset.write(captions, of: world, size: 32, to: scratch) { reporter?.update(completed: $0, detail: nil) }
            reporter?.end()

            var learning = ConceptLearningSettings(prompt: anchor)
            (learning.training.steps, learning.training.learningRate) = (steps, learningRate)
            learning.training.minimumLearningRate = learningRate
            let pipeline = try BundledWorld.directory()
            _ = try customization.run(
                pipeline: pipeline, encoderDirectory: try EmbeddedModels.textEncoder(), images: scratch.appending(path: "images"),
                knowledge: [ConceptKnowledge(concept: captions[0].scene.object.phrase, anchor: anchor, knowledge: Self.statements)],
                knowledgeFile: "(demo)", concept: .learn(learning, checkpoints: nil), defaultPrompts: Self.prompts,
                out: URL(fileURLWithPath: out, isDirectory: true), json: output.json, progress: reporter)
        }
    }
}
