import Foundation
import Tensors
import Training

/// Training row: one optimisation step (forward, next-token cross-entropy, backward, gradient
/// clipping, AdamW) of a small Qwen2 causal LM, the size the tiny world's text encoder is trained
/// at (hidden 256, 6 layers, vocabulary 2048, batch 16 × 64 tokens), beside the same step in PyTorch
/// (References/torch_training_step.py) on the same checkpoint and ids.
enum TrainingBenchmark {
    static var config: [String: Any] {
        [
            "model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"], "hidden_size": 256, "intermediate_size": 1024,
            "num_hidden_layers": 6, "num_attention_heads": 8, "num_key_value_heads": 4, "vocab_size": 2048,
            "rms_norm_eps": 1e-6, "rope_theta": 1_000_000.0, "tie_word_embeddings": true,
            "max_position_embeddings": 512,
            "initializer_range": 0.02, "eos_token_id": 770,
        ]
    }
    static let (batchSize, length, repeats) = (16, 64, 5)
    static let (learningRate, weightDecay): (Float, Float) = (1e-3, 0.01)

    static func run(directory: URL, torchReference: Bool) throws -> [String] {
        let model = directory.appending(path: "training-bench-qwen2-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: model) }
        // Any byte-level BPE tokenizer works: the step is fed token ids directly.
        let tokenizer = MokusBench.repositoryRoot.appending(path: "Tests/MEMITTests/Fixtures/qwen2-facts")
        let encoder = try LanguageModelPretraining.initialModel(
            config: config, tokenizerDirectory: tokenizer, seed: 1, in: model)
        var rng = RandomGenerator(seed: 9)
        let sequences = (0..<batchSize).map { _ in rng.integers(length, in: 0..<encoder.info.vocabularySize) }
        let objective = try CausalLanguageModelObjective(encoder: encoder, examples: sequences)
        let swift = try medianStepSeconds(
            TrainingConfiguration(
                steps: repeats + 1, batchSize: batchSize, learningRate: learningRate, weightDecay: weightDecay),
            parameters: objective.initialParameters(), objective: objective)
        let tokens = Double(batchSize * length)
        // Matrix parameters in products, LM head included; a step is ≈ 3 × the forward's 2·N·tokens FLOPs.
        let matrices = encoder.parameters.filter { $0.shape.count == 2 && $0.name != "model.embed_tokens.weight" }
            .reduce(0) { $0 + $1.shape.reduce(1, *) }
        let flops = 6 * tokens * Double(matrices)
        var lines = [
            "training step (forward + backward + clip + AdamW), Qwen2 hidden 256 × 6 layers, vocabulary 2048, "
                + "batch \(batchSize) × \(length) tokens (\(String(format: "%.2f", Double(matrices) / 1e6)) M matrix parameters):",
            row("Swift", seconds: swift, tokens: tokens, flops: flops),
        ]
        if torchReference, PythonReference.canImport(["torch", "transformers"]),
            let object = PythonReference.run(
                script: "torch_training_step.py",
                input: [
                    "directory": model.path(percentEncoded: false), "sequences": sequences, "repeats": repeats,
                    "learning_rate": learningRate, "weight_decay": weightDecay,
                ])?.first, let torch = object["step"] as? Double
        {
            lines.append(
                row("PyTorch (\(object["version"] as? String ?? "?"))", seconds: torch, tokens: tokens, flops: flops)
                    + String(format: "  → ours %.2f×", torch / swift))
        } else {
            lines.append("  PyTorch reference: not run (python3 with torch and transformers not importable)")
        }
        return lines
    }

    /// The median wall time of a ``Trainer`` step over `configuration.steps` steps, the first one
    /// (warm-up) left out.
    static func medianStepSeconds(
        _ configuration: TrainingConfiguration, parameters: [NamedParameter], objective: some TrainingObjective
    ) throws -> Double {
        var stepSeconds: [Double] = []
        var last = 0.0
        _ = try Trainer(configuration: configuration).train(parameters: parameters, objective: objective) { report in
            stepSeconds.append(report.elapsed - last)
            last = report.elapsed
        }
        let timed = stepSeconds.dropFirst().sorted()
        return timed[timed.count / 2]
    }

    private static func row(_ label: String, seconds: Double, tokens: Double, flops: Double) -> String {
        String(
            format: "  %@: %.3f s/step, %.0f tokens/s, %.1f GFLOP/s in matrix products", label, seconds,
            tokens / seconds, flops / seconds / 1e9)
    }
}
