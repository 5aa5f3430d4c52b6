import ArgumentParser
import Foundation
import Personalization

extension Mokus.ModAdapterCommand {
    /// `mokus modadapter eval`: the DreamBench-Abs-style evaluation of a (trained or given) adapter.
    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate Mod-Adapter on the world's held-out concepts, against the plain prompt (a report folder).",
            discussion: """
                With --adapter, evaluates that file; otherwise trains one first (pretrain, then train, with the \
                training options) as --ablation says: none (the method), no-pretraining, no-moe (one MLP), \
                learned-gate (a softmax gate instead of k-means). The concept images and prompts are those of \
                `tokenverse eval` with the same --eval-seed; Δ comes from one adapter forward pass per image.
                """)

        enum Ablation: String, ExpressibleByArgument, CaseIterable {
            case none, noPretraining = "no-pretraining", noMoE = "no-moe", learnedGate = "learned-gate"
        }

        @OptionGroup var model: GeneratorOptions
        @Option(help: ArgumentHelp("Report folder (must not exist).", valueName: "dir")) var out: String
        @Option(help: ArgumentHelp("A trained adapter file (skips training).", valueName: "file")) var adapter: String?
        @Option(help: "Train this variant: none, no-pretraining, no-moe, learned-gate.") var ablation = Ablation.none
        @OptionGroup var evaluation: PersonalizationEvalOptions
        @OptionGroup var training: ModAdapterOptions
        @OptionGroup var output: JSONOutputOption
        @OptionGroup var progress: ProgressOptions
        @OptionGroup var memory: MemoryOptions

        func validate() throws {
            _ = try OutputPlan([.init(option: "--out", path: out, isFolder: true)])
        }

        func run() throws {
            memory.apply()
            let session = try ModAdapterSession(model)
            let (trained, learning) = try adapter.map { (try session.read($0), description(of: $0)) } ?? train(session)
            let metrics = try ModAdapterEvaluation.run(
                world: session.world, adapter: trained, generator: session.pipeline.generator, prompts: session.pipeline.prompts,
                evaluator: session.evaluator, learning: learning, settings: evaluation.settings(session.pipeline),
                out: URL(fileURLWithPath: out, isDirectory: true), progress: progress.reporter)
            try evaluation.report(metrics, out: out, json: output.json)
        }

        private func description(of path: String) -> TokenVerseMetrics.Learning {
            TokenVerseMetrics.Learning(
                steps: 0, learningRate: 0, batchSize: 0, perBlock: training.perBlock, isolationProbability: 0, isolationImages: 0,
                variant: "adapter file \(path)")
        }

        /// Trains the `--ablation` variant: pretraining (unless no-pretraining), then the diffusion stage.
        private func train(_ session: ModAdapterSession) throws -> (ModAdapter, TokenVerseMetrics.Learning) {
            var settings = training.settings
            if ablation == .noMoE { settings.routing = .single }
            if ablation == .learnedGate { settings.routing = .gate }
            let data = try session.data(settings)
            var trained = try session.initial(data, settings: settings)
            if ablation != .noPretraining {
                trained = try session.run(.pretrain, adapter: trained, data: data, settings: settings, checkpoints: nil, progress: progress.reporter).adapter
            }
            trained = try session.run(.train, adapter: trained, data: data, settings: settings, checkpoints: nil, progress: progress.reporter).adapter
            let t = settings.training
            let variant = "tuning-free adapter (\(ablation.rawValue) ablation; \(settings.routing.rawValue) routing, \(settings.experts) experts; "
                + "stages \(trained.stages.joined(separator: "+")), \(settings.pretraining.steps) pretraining steps, \(settings.trainingImages) training images)"
            return (trained, TokenVerseMetrics.Learning(
                steps: t.steps, learningRate: Double(t.learningRate), batchSize: t.batchSize, perBlock: settings.perBlock,
                isolationProbability: 0, isolationImages: 0, variant: variant))
        }
    }
}
