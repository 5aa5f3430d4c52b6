import ArgumentParser
import Evaluator
import Foundation
import ModelInterfaces
import Personalization
import World

extension Mokus {
    /// `mokus modadapter …`: tuning-free per-token modulation (docs/personalization.md).
    /// Subcommands live in `ModAdapterTrain.swift` (pretrain, train), `ModAdapterGenerate.swift` and `ModAdapterEval.swift`.
    struct ModAdapterCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "modadapter",
            abstract: "Train Mod-Adapter on the world, predict concept Δ from images without tuning, evaluate.",
            discussion: """
                pretrain: align predicted Δ with the world captions' modulation-space targets; train: the diffusion \
                loss through the frozen generator; generate: Δ of concept images (one forward pass) on their words in \
                a prompt; eval: the DreamBench-Abs-style evaluation on held-out concepts, with Table 3's ablations. \
                See docs/personalization.md.
                """,
            subcommands: [Pretrain.self, Train.self, Generate.self, Eval.self])
    }
}

/// The adapter's network, data and both stages' budgets (``ModAdapterSettings``), shared by
/// `modadapter pretrain`, `train` and `eval`; each stage reads its own `--pretrain-*` / `--train-*` options.
struct ModAdapterOptions: ParsableArguments {
    @Option(help: "Expert routing: kmeans (the method), gate (learned softmax gate), single (one MLP, no MoE).")
    var routing = ModAdapterRouting.kmeans
    @Option(help: "Experts (k-means clusters).") var experts = 4
    @Flag(help: "Predict a Δ per block (N = the generator's blocks).") var perBlock = false
    @Option(help: "Training concept images (the world's non-reserved objects).") var trainingImages = 64
    @Option(help: "Seed of the training scenes, k-means, initial values, batches and noise.") var seed: UInt64 = 0
    @Option(help: "Pretraining steps.") var pretrainSteps = 300
    @Option(help: "Pretraining batch (images).") var pretrainBatchSize = 8
    @Option(help: "Pretraining AdamW learning rate.") var pretrainLearningRate: Float = 3e-3
    @Option(help: "Diffusion-training steps.") var trainSteps = 200
    @Option(help: "Diffusion-training batch (images).") var trainBatchSize = 4
    @Option(help: "Diffusion-training AdamW learning rate.") var trainLearningRate: Float = 1e-3

    func validate() throws {
        try ArgumentChecks.check("--experts", experts, in: 1...64)
        try ArgumentChecks.check("--training-images", trainingImages, in: 1...100_000)
        for (name, value) in [("--pretrain-steps", pretrainSteps), ("--train-steps", trainSteps)] {
            try ArgumentChecks.check(name, value, in: 1...1_000_000)
        }
        for (name, value) in [("--pretrain-batch-size", pretrainBatchSize), ("--train-batch-size", trainBatchSize)] {
            try ArgumentChecks.check(name, value, in: 1...1024)
        }
        for (name, value) in [("--pretrain-learning-rate", pretrainLearningRate), ("--train-learning-rate", trainLearningRate)] {
            try ArgumentChecks.check(name, value, in: 0...10)
        }
    }

    var settings: ModAdapterSettings {
        var s = ModAdapterSettings()
        s.routing = routing
        s.experts = experts
        s.perBlock = perBlock
        s.trainingImages = trainingImages
        s.seed = seed
        (s.pretraining.steps, s.pretraining.batchSize) = (pretrainSteps, pretrainBatchSize)
        (s.pretraining.learningRate, s.pretraining.minimumLearningRate) = (pretrainLearningRate, pretrainLearningRate)
        (s.training.steps, s.training.batchSize) = (trainSteps, trainBatchSize)
        (s.training.learningRate, s.training.minimumLearningRate) = (trainLearningRate, trainLearningRate)
        return s
    }
}

extension ModAdapterRouting: ExpressibleByArgument {}

/// A pipeline with the world's evaluator (the adapter's frozen image encoder) and the training data.
struct ModAdapterSession {
    let pipeline: TokenVersePipeline
    let world: World
    let evaluator: ImageEvaluator

    init(_ options: GeneratorOptions) throws {
        pipeline = try TokenVersePipeline(options)
        world = try World.load(from: pipeline.folder)
        evaluator = try ImageEvaluator.load(
            from: pipeline.folder.appending(path: WorldFolder.evaluator), expectedSchema: EvaluatorRecipe.schema)
    }

    /// The training set of `settings` (rendered and encoded once).
    func data(_ settings: ModAdapterSettings) throws -> ModAdapterData {
        try ModAdapterData.prepare(
            scenes: ModAdapterData.scenes(world: world, count: settings.trainingImages, seed: settings.seed),
            generator: pipeline.generator, prompts: pipeline.prompts, evaluator: evaluator,
            neutralTemplate: settings.neutralTemplate)
    }

    /// A fresh adapter for `data`.
    func initial(_ data: ModAdapterData, settings: ModAdapterSettings) throws -> ModAdapter {
        try ModAdapterTraining.initial(
            data: data, settings: settings, generator: pipeline.generator, generatorFingerprint: pipeline.fingerprint,
            encoderFingerprint: pipeline.encoderFingerprint)
    }

    /// An adapter file, checked against this pipeline's generator and encoder.
    func read(_ path: String) throws -> ModAdapter {
        try ModAdapter.read(
            from: URL(fileURLWithPath: path), generatorFingerprint: pipeline.fingerprint,
            encoderFingerprint: pipeline.encoderFingerprint)
    }

    /// Runs one stage.
    func run(
        _ stage: ModAdapterTraining.Stage, adapter: ModAdapter, data: ModAdapterData, settings: ModAdapterSettings,
        checkpoints: String?, progress: (any ProgressReporter)?
    ) throws -> ModAdapterTraining.Run {
        try ModAdapterTraining.run(
            stage, adapter: adapter, data: data, generator: pipeline.generator, baseFingerprint: pipeline.fingerprint,
            settings: settings, checkpointDirectory: checkpoints.map { URL(fileURLWithPath: $0, isDirectory: true) },
            progress: progress)
    }
}
