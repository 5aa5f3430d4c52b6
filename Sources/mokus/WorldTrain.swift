import ArgumentParser
import Foundation
import ModelInterfaces
import Training
import World

extension Mokus.WorldCommand {
    /// `mokus world train encoder|evaluator`: reproduce the bundled world's trained parts.
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train the world's text encoder (with its tokenizer), its image evaluator or its generator.",
            subcommands: [Encoder.self, Evaluator.self, Generator.self])
    }
}

/// `--stop-after N` (hidden), for the trainers that checkpoint: ends the run after step N as if
/// interrupted there (tests of resumption, time-boxed runs); the checkpoints stay, and the same
/// command without it resumes from the newest one.
struct InterruptionOption: ParsableArguments {
    @Option(help: .hidden) var stopAfter: Int?

    func validate() throws {
        if let stopAfter, stopAfter < 1 { throw ValidationError("--stop-after must be at least 1, found \(stopAfter).") }
    }
}

/// Options every `world train` subcommand shares.
struct WorldTrainingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("World folder to write into (world.json is written when missing).", valueName: "dir"),
            completion: .directory)
    var out: String
    @Option(help: "Optimisation steps (default: the shipped recipe's).") var steps: Int?
    @Option(help: "Seed of the initial weights and the data order.") var seed: UInt64 = 0
    @Flag(help: "The tiny test recipe (seconds, not quality).") var testRecipe = false
    @Option(help: ArgumentHelp(
        "A JSON object of recipe fields replacing those of the shipped (or test) recipe, e.g. {\"batchSize\": 128}.",
        valueName: "file"), completion: .file())
    var recipe: String?
    @Option(help: "Print a progress line every N steps on stderr.") var logEvery = 50
    @OptionGroup var output: JSONOutputOption
    @OptionGroup var worldOptions: WorldOptions
    @OptionGroup var memory: MemoryOptions

    func validate() throws {
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1, found \(steps).") }
        guard logEvery > 0 else { throw ValidationError("--log-every must be positive, found \(logEvery).") }
    }

    var directory: URL { URL(fileURLWithPath: out, isDirectory: true) }

    /// The recipe to train: `standard` (or `test` with --test-recipe), then --recipe's fields,
    /// then --seed and --steps. Read before anything is written, so a bad file leaves no output.
    func recipe<Recipe: WorldRecipe>(standard: Recipe, test: Recipe) throws -> Recipe {
        var result = testRecipe ? test : standard
        if let recipe { result = try RecipeFile.apply(URL(fileURLWithPath: recipe), to: result) }
        result.seed = seed
        if let steps { result.steps = steps }
        return result
    }

    /// The world to train on; written into the output folder unless it already holds world.json.
    /// Applies `--max-memory` first (every world training command starts here).
    func prepareWorld() throws -> World {
        memory.apply()
        let world = try worldOptions.load()
        if !FileManager.default.fileExists(atPath: directory.appending(path: World.fileName).path(percentEncoded: false)) {
            try world.save(to: directory)
        }
        return world
    }

    func log(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }

    /// Logs a trainer's `report` every --log-every steps and at the last:
    /// "NAME step s/n  loss L  lr η  R UNIT/s  T s".
    func logProgress(_ name: String, unit: String, _ report: TrainingProgress) {
        guard report.step % logEvery == 0 || report.step == report.totalSteps else { return }
        log("\(name) " + String(format: "step %d/%d  loss %.4f  lr %.2e  %.1f ", report.step, report.totalSteps,
                                 report.loss, report.learningRate, report.itemsPerSecond)
            + "\(unit)/s" + String(format: "  %.0f s", report.elapsed))
    }

    /// Removes a trainer's checkpoints once its run is complete (an interrupted run keeps them), and
    /// the `.checkpoints` folder above them when no other trainer's checkpoints are left in it.
    func removeCheckpoints(_ checkpoints: URL, after result: TrainingResult, of steps: Int) {
        guard result.step == steps else { return }
        let manager = FileManager.default
        try? manager.removeItem(at: checkpoints)
        let parent = checkpoints.deletingLastPathComponent()
        if (try? manager.contentsOfDirectory(atPath: parent.path(percentEncoded: false)))?.isEmpty == true {
            try? manager.removeItem(at: parent)
        }
    }

    /// The `--json` summary of a trainer run: the step reached, the step resumed from (0 for a fresh
    /// run), this run's items (tokens, images) under `items`, seconds and last loss (null when it took
    /// no step).
    static func summary(_ result: TrainingResult, items: String) -> [String: Any] {
        ["steps": result.step, "resumed_from": result.resumedFrom, items: result.items, "seconds": result.elapsed,
         "final_loss": result.losses.last.map { Double($0) as Any } ?? NSNull()]
    }
}

extension Mokus.WorldCommand.Train {
    struct Encoder: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train the world's BPE tokenizer and Qwen2 text encoder on the world's corpus.",
            discussion: """
                Writes tokenizer/ and text_encoder/ into --out. Checkpoints go to --out/.checkpoints/encoder \
                every 250 steps (10 with --test-recipe); running the same command again resumes from the newest \
                one, and the folder is removed once training completes. See docs/world.md.
                """)
        @OptionGroup var options: WorldTrainingOptions
        @Flag(help: "Save float32 weights instead of the recipe's bf16 (to measure what bf16 loses).") var float32 = false
        @OptionGroup var interruption: InterruptionOption

        func run() throws {
            let result = try train()
            if options.output.json {
                try printJSON(WorldTrainingOptions.summary(result, items: "tokens"))
            } else {
                print(options.directory.appending(path: WorldFolder.textEncoder).path(percentEncoded: false))
            }
        }

        /// Trains (or resumes, or stops early) and returns the trainer's result.
        func train() throws -> TrainingResult {
            var recipe = try options.recipe(standard: EncoderRecipe.standard, test: .test)
            let world = try options.prepareWorld()
            if float32 { recipe.storesBFloat16 = false }
            let checkpoints = options.directory.appending(path: ".checkpoints/encoder")
            let result = try recipe.train(
                world: world, into: options.directory, checkpoints: checkpoints, stopAfter: interruption.stopAfter
            ) { options.logProgress("encoder", unit: "tokens", $0) }
            options.removeCheckpoints(checkpoints, after: result, of: recipe.steps)
            return result
        }
    }

    struct Evaluator: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train the world's image evaluator on renders of the world.",
            discussion: "Writes evaluator/ into --out. See docs/world.md and docs/evaluator.md.")
        @OptionGroup var options: WorldTrainingOptions

        func run() throws {
            let recipe = try options.recipe(standard: EvaluatorRecipe.standard, test: .test)
            _ = try options.prepareWorld()
            let start = Date()
            let evaluator = try recipe.train(into: options.directory) { report in
                guard report.step % options.logEvery == 0 || report.step == report.totalSteps else { return }
                options.log(String(format: "evaluator step %d/%d  loss %.4f  %.0f images/s", report.step, report.totalSteps,
                                   report.loss, report.imagesPerSecond))
            }
            let accuracy = try WorldEvaluation.evaluatorAccuracy(evaluator)
            if options.output.json {
                try printJSON(["steps": recipe.steps, "seconds": Date().timeIntervalSince(start), "attribute_accuracy": accuracy])
            } else {
                print(options.directory.appending(path: WorldFolder.evaluator).path(percentEncoded: false))
            }
        }
    }
}

extension Mokus.WorldCommand.Train {
    struct Generator: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train the world's Qwen-Image-architecture generator on (caption → render) pairs.",
            discussion: """
                Captions are encoded by the frozen text encoder of --out (the bundled world's text_encoder/ and \
                tokenizer/ are copied there when it has none) through Qwen-Image's prompt template, as mokus \
                generate encodes them. Writes model_index.json, transformer/ (the EMA weights) and scheduler/ into \
                --out, a pipeline folder for mokus generate --generator. Checkpoints go to \
                --out/.checkpoints/generator every 250 steps (2 with --test-recipe); running the same command \
                again resumes from the newest one, and the folder is removed once training completes. \
                See docs/world.md.
                """)
        @OptionGroup var options: WorldTrainingOptions
        @OptionGroup var interruption: InterruptionOption

        func run() throws {
            let result = try train()
            if options.output.json {
                try printJSON(WorldTrainingOptions.summary(result, items: "images"))
            } else {
                print(options.directory.path(percentEncoded: false))
            }
        }

        /// Trains (or resumes, or stops early) and returns the trainer's result.
        func train() throws -> TrainingResult {
            let recipe = try options.recipe(standard: GeneratorRecipe.standard, test: .test)
            let world = try options.prepareWorld()
            try copyBundledEncoderIfMissing()
            let checkpoints = options.directory.appending(path: ".checkpoints/generator")
            let result = try recipe.train(
                world: world, into: options.directory, checkpoints: checkpoints, stopAfter: interruption.stopAfter
            ) { options.logProgress("generator", unit: "images", $0) }
            options.removeCheckpoints(checkpoints, after: result, of: recipe.steps)
            return result
        }

        /// Copies the bundled world's text_encoder/ and tokenizer/ into --out when it has no text_encoder/.
        private func copyBundledEncoderIfMissing() throws {
            let manager = FileManager.default
            guard !manager.fileExists(
                atPath: options.directory.appending(path: WorldFolder.textEncoder).path(percentEncoded: false))
            else { return }
            let bundled = try BundledWorld.directory()
            for folder in [WorldFolder.textEncoder, WorldFolder.tokenizer] {
                let target = options.directory.appending(path: folder)
                if manager.fileExists(atPath: target.path(percentEncoded: false)) { continue }
                try manager.copyItem(at: bundled.appending(path: folder), to: target)
            }
        }
    }
}
