import Foundation
import Generators
import ModelInterfaces
import Tensors
import Training

/// Mod-Adapter's two training stages on a prepared ``ModAdapterData``, each through the
/// ``Training/Trainer`` (AdamW, clipping, seeded batches and draws, checkpoints and resumption):
/// `pretrain` minimises ``ModAdapterAlignmentObjective``, `train` ``ModAdapterDiffusionObjective``.
public enum ModAdapterTraining {
    public enum Stage: String, Sendable, CaseIterable {
        case pretrain, train
    }

    /// One stage's result.
    public struct Run: Sendable {
        public var adapter: ModAdapter
        /// This invocation's per-step losses (a resumed run: the steps after the checkpoint).
        public var losses: [Float]
        public var seconds: Double
        public var stepsPerSecond: Double
    }

    /// A new adapter for `data`: the network's seeded initial values and, for k-means routing, the
    /// router fitted once on the neutral features of every training concept word (seeded).
    ///
    /// - Throws: ``PersonalizationError/invalidSetting(name:expected:found:)`` for no data or a
    ///   size out of range.
    public static func initial(
        data: ModAdapterData, settings: ModAdapterSettings, generator: QwenImageGenerator, generatorFingerprint: String,
        encoderFingerprint: String
    ) throws -> ModAdapter {
        guard let first = data.examples.first, let neutral = data.neutral.values.first else {
            throw PersonalizationError.invalidSetting(name: "training images", expected: "at least one", found: "none")
        }
        guard (1...64).contains(settings.experts), (1...4096).contains(settings.attentionWidth), (1...4096).contains(settings.hiddenWidth)
        else {
            throw PersonalizationError.invalidSetting(
                name: "experts/attention width/hidden width", expected: "1...64 / 1...4096 / 1...4096",
                found: "\(settings.experts) / \(settings.attentionWidth) / \(settings.hiddenWidth)")
        }
        let c = generator.transformer.configuration
        let configuration = ModAdapterConfiguration(
            imageChannels: first.features.shape[1], textWidth: neutral.count, attentionWidth: settings.attentionWidth,
            hiddenWidth: settings.hiddenWidth, outputWidth: c.innerDim, queries: settings.perBlock ? c.layerCount : 1,
            experts: settings.experts, routing: settings.routing)
        let network = ModAdapterNetwork(configuration: configuration)
        let words = data.neutral.keys.sorted()
        let router = settings.routing == .kmeans
            ? KMeans(rows: words.compactMap { data.neutral[$0]?.scalars }, k: configuration.experts, seed: settings.seed)
            : nil
        return ModAdapter(
            configuration: configuration,
            parameters: Dictionary(uniqueKeysWithValues: network.initialParameters(seed: settings.seed)), router: router,
            neutralTemplate: settings.neutralTemplate, generatorFingerprint: generatorFingerprint,
            encoderFingerprint: encoderFingerprint, stages: [])
    }

    /// Runs `stage` from `adapter`'s parameters (or the newest checkpoint in `checkpointDirectory`
    /// when `resume`), reporting the loss and steps/s after every step.
    ///
    /// - Throws: the ``Training/Trainer``'s errors (checkpoint of another run, non-finite loss, …)
    ///   and the generator's.
    public static func run(
        _ stage: Stage, adapter: ModAdapter, data: ModAdapterData, generator: QwenImageGenerator, baseFingerprint: String,
        settings: ModAdapterSettings, checkpointDirectory: URL? = nil, resume: Bool = true, stopAfter: Int? = nil,
        progress: (any ProgressReporter)? = nil
    ) throws -> Run {
        let start = Date()
        let network = adapter.network
        let predictor = ModAdapterPredictor(
            network: network, data: data,
            experts: data.neutral.mapValues { adapter.expert(neutral: $0) })
        let initial = network.parameterShapes.map { name, _ in
            guard let value = adapter.parameters[name] else { preconditionFailure("ModAdapter: no parameter \(name)") }
            return NamedParameter(name, value)
        }
        var configuration = stage == .pretrain ? settings.pretraining : settings.training
        configuration.seed = settings.seed
        let trainer = Trainer(configuration: configuration)
        progress?.begin("modadapter \(stage.rawValue)", total: configuration.steps)
        let report: (TrainingProgress) -> Void = { report in
            progress?.update(
                completed: report.step,
                detail: String(format: "loss %.4f, %.1f steps/s", report.loss, Double(report.step) / max(report.elapsed, 1e-9)))
        }
        let result: TrainingResult
        switch stage {
        case .pretrain:
            result = try trainer.train(
                parameters: initial, objective: ModAdapterAlignmentObjective(predictor: predictor),
                checkpointDirectory: checkpointDirectory, resume: resume, stopAfter: stopAfter, progress: report)
        case .train:
            var options = RectifiedFlowOptions()
            options.promptDropout = 0
            options.timestepSampling = settings.timestepSampling
            options.seed = settings.seed
            result = try trainer.train(
                parameters: initial,
                objective: ModAdapterDiffusionObjective(
                    predictor: predictor, transformer: generator.transformer, options: options, baseFingerprint: baseFingerprint),
                checkpointDirectory: checkpointDirectory, resume: resume, stopAfter: stopAfter, progress: report)
        }
        progress?.end()
        var trained = adapter
        trained.parameters = Dictionary(uniqueKeysWithValues: result.parameters.map { ($0.name, $0.value) })
        trained.stages.append(stage.rawValue)
        let seconds = Date().timeIntervalSince(start)
        return Run(
            adapter: trained, losses: result.losses, seconds: seconds, stepsPerSecond: Double(result.losses.count) / max(seconds, 1e-9))
    }
}
