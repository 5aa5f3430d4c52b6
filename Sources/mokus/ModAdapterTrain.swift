import ArgumentParser
import Foundation
import Personalization

/// What `modadapter pretrain` and `train` share: the pipeline, the output, checkpoints and reporting.
struct ModAdapterStageOptions: ParsableArguments {
    @OptionGroup var model: GeneratorOptions
    @Option(help: ArgumentHelp("Output adapter file (safetensors).", valueName: "file")) var out: String
    @Option(help: ArgumentHelp("Checkpoint folder: a run resumes from its newest checkpoint.", valueName: "dir"))
    var checkpoints: String?
    @OptionGroup var adapter: ModAdapterOptions
    @OptionGroup var output: JSONOutputOption
    @OptionGroup var progress: ProgressOptions
    @OptionGroup var memory: MemoryOptions

    func validate() throws { _ = try outputs() }

    private func outputs() throws -> OutputPlan { try OutputPlan([.init(option: "--out", path: out)]) }

    /// Runs `stage` from the adapter `start` gives (nil: a fresh one) and writes `--out` atomically.
    func run(_ stage: ModAdapterTraining.Stage, start: @escaping (ModAdapterSession) throws -> ModAdapter?) throws {
        memory.apply()
        try outputs().run { _ in
            let session = try ModAdapterSession(model)
            let settings = adapter.settings
            let from = try start(session)
            let data = try session.data(settings)
            let run = try session.run(
                stage, adapter: try from ?? session.initial(data, settings: settings), data: data, settings: settings,
                checkpoints: checkpoints, progress: progress.reporter)
            try run.adapter.write(to: URL(fileURLWithPath: out))
            if output.json {
                try printJSON([
                    "output": out, "stage": stage.rawValue, "stages": run.adapter.stages, "steps": run.losses.count,
                    "first_loss": run.losses.first.map { Double($0) as Any } ?? NSNull(),
                    "final_loss": run.losses.last.map { Double($0) as Any } ?? NSNull(),
                    "steps_per_second": run.stepsPerSecond, "seconds": run.seconds,
                ])
            } else {
                print(out)
            }
        }
    }
}

extension Mokus.ModAdapterCommand {
    /// `mokus modadapter pretrain`: stage 1 from a fresh adapter.
    struct Pretrain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pretrain a Mod-Adapter: align predicted Δ with the world captions' modulation-space targets.",
            discussion: """
                Renders --training-images concept images of the world's non-reserved objects, fits the k-means router \
                on their words' neutral features and minimises mean (Δ̂ − Δ*)², Δ* = T(caption states) − T(neutral \
                states) on the word's tokens (docs/personalization.md). No generator forward.
                """)

        @OptionGroup var stage: ModAdapterStageOptions

        func run() throws { try stage.run(.pretrain) { _ in nil } }
    }

    /// `mokus modadapter train`: stage 2, the diffusion loss.
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a Mod-Adapter with the diffusion loss on (concept image, caption) pairs of the world.",
            discussion: """
                Starts from --adapter (a pretrained file; its network options win over the command line's) or, with \
                --from-scratch, from a fresh adapter (the no-pretraining ablation).
                """)

        @Option(help: ArgumentHelp("The pretrained adapter file.", valueName: "file")) var adapter: String?
        @Flag(help: "Start from a fresh adapter instead of --adapter.") var fromScratch = false
        @OptionGroup var stage: ModAdapterStageOptions

        func validate() throws {
            guard (adapter == nil) == fromScratch else { throw ValidationError("Give exactly one of --adapter and --from-scratch.") }
        }

        func run() throws {
            try stage.run(.train) { session in try adapter.map { try session.read($0) } }
        }
    }
}
