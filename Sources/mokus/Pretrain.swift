import ArgumentParser
import Foundation
import Tensors
import Tokenizers
import Training

extension Mokus {
    /// `mokus pretrain`: train a causal language model from scratch (see docs/training.md).
    struct Pretrain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pretrain a causal language model (e.g. Qwen2) from a config.json, a tokenizer and texts.",
            discussion: """
                Initialises weights as transformers does, trains next-token cross-entropy with AdamW (warmup + cosine, \
                gradient clipping) and writes a transformers checkpoint directory. With --checkpoints, state is saved \
                every --checkpoint-every steps and a rerun resumes from the newest checkpoint.
                """)

        @Option(help: ArgumentHelp("The model's config.json.", valueName: "file"), completion: .file()) var config:
            String
        @Option(
            help: ArgumentHelp("Folder with tokenizer.json and tokenizer_config.json.", valueName: "dir"),
            completion: .directory)
        var tokenizer: String
        @Option(help: ArgumentHelp("Training texts, one per line (UTF-8).", valueName: "file"), completion: .file())
        var texts: String
        @Option(help: ArgumentHelp("Output checkpoint directory.", valueName: "dir"), completion: .directory) var out:
            String
        @Option(help: "Optimisation steps.") var steps: Int
        @Option(help: "Texts per step.") var batchSize = 16
        @Option(help: "Peak learning rate.") var learningRate: Float = 1e-3
        @Option(help: "Linear warmup steps.") var warmupSteps = 0
        @Option(help: "Learning rate at the end of the cosine.") var minLearningRate: Float = 0
        @Option(help: "AdamW's decoupled weight decay.") var weightDecay: Float = 0.01
        @Option(help: "Largest joint gradient norm.") var maxGradNorm: Float = 1
        @Option(help: "Seed of the initial weights and the data order.") var seed: UInt64 = 0
        @Option(help: "Longest example in tokens (longer texts are split).") var maxLength = 128
        @Option(help: "Saved weight type: float32 or bfloat16.") var dtype = "float32"
        @Flag(help: "Pack whole texts into examples of up to --max-length tokens (little padding).") var pack = false
        @Option(
            help: ArgumentHelp("Checkpoint folder (resumed from when it holds checkpoints).", valueName: "dir"),
            completion: .directory)
        var checkpoints: String?
        @Option(help: "Checkpoint every N steps (with --checkpoints).") var checkpointEvery = 100
        @Option(help: "Print a progress line every N steps on stderr.") var logEvery = 10
        @OptionGroup var output: JSONOutputOption
        @OptionGroup var memory: MemoryOptions

        func validate() throws {
            guard ["float32", "bfloat16"].contains(dtype) else {
                throw ValidationError("--dtype must be float32 or bfloat16.")
            }
            guard logEvery > 0 else { throw ValidationError("--log-every must be positive.") }
        }

        func run() throws {
            memory.apply()
            guard let data = FileManager.default.contents(atPath: config),
                let modelConfig = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else {
                throw ValidationError("\(config): not a readable JSON object.")
            }
            let lines = try TextLines.read(contentsOf: URL(fileURLWithPath: texts)).filter { !$0.isEmpty }
            let training = TrainingConfiguration(
                steps: steps, batchSize: batchSize, learningRate: learningRate, warmupSteps: warmupSteps,
                minimumLearningRate: minLearningRate, weightDecay: weightDecay, maxGradientNorm: maxGradNorm,
                seed: seed,
                checkpointEvery: checkpoints == nil ? 0 : checkpointEvery)
            let options = LanguageModelPretraining.Options(
                maxSequenceLength: maxLength, dtype: dtype == "bfloat16" ? .bfloat16 : .float32,
                checkpointDirectory: checkpoints.map { URL(fileURLWithPath: $0) }, packing: pack)
            let result = try LanguageModelPretraining.train(
                config: modelConfig, tokenizerDirectory: URL(fileURLWithPath: tokenizer), texts: lines,
                training: training,
                options: options, output: URL(fileURLWithPath: out)
            ) { report in
                guard report.step % logEvery == 0 || report.step == report.totalSteps else { return }
                let line = String(
                    format: "step %d/%d  loss %.4f  lr %.2e  |g| %.3f  %.0f tokens/s  %.1f s\n",
                    report.step, report.totalSteps, report.loss, report.learningRate, report.gradientNorm,
                    report.itemsPerSecond, report.elapsed)
                FileHandle.standardError.write(Data(line.utf8))
            }
            if output.json {
                try printJSON([
                    "output": out, "steps": result.step, "resumed_from": result.resumedFrom,
                    "final_loss": result.losses.last.map { Double($0) as Any } ?? NSNull(), "tokens": result.items,
                    "seconds": result.elapsed,
                ])
            }
        }
    }
}
