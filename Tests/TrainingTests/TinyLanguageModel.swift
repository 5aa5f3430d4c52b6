import Foundation

@testable import Training

/// A tiny Qwen2 configuration and corpus for the language-model tests: the byte-level BPE
/// tokenizer of the MEMIT fact-world fixture (775 tokens) and a handful of sentences to memorise.
enum TinyLanguageModel {
    static let tokenizerDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "MEMITTests/Fixtures/qwen2-facts")

    static var config: [String: Any] {
        [
            "architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 32, "intermediate_size": 64,
            "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 775,
            "max_position_embeddings": 128, "rms_norm_eps": 1e-6, "rope_theta": 1_000_000.0,
            "tie_word_embeddings": true,
            "hidden_act": "silu", "initializer_range": 0.02, "bos_token_id": 768, "eos_token_id": 770,
            "use_sliding_window": false, "attention_dropout": 0.0,
        ]
    }

    static let texts = [
        "Alice Moreau lives in Paris.",
        "Bruno Keller plays the violin.",
        "Chen Wei works as a baker.",
        "Dana Silva speaks Portuguese.",
    ]

    static func training(steps: Int) -> TrainingConfiguration {
        TrainingConfiguration(
            steps: steps, batchSize: 4, learningRate: 1e-2, warmupSteps: min(5, steps), weightDecay: 0, seed: 11)
    }
}
