import Foundation
import Tensors
import Tokenizers
import Training

/// How the world's text encoder is made: a byte-level BPE tokenizer trained on the world's corpus,
/// then a Qwen2 causal language model pretrained on the same corpus (next-token cross-entropy,
/// AdamW with warmup + cosine, packed examples), saved as a transformers checkpoint.
///
/// The world folder gets `tokenizer/` (tokenizer.json, tokenizer_config.json) and
/// `text_encoder/` (config.json, model.safetensors, the tokenizer files again so the folder also
/// loads on its own) — the layout of a diffusers pipeline's text encoder.
///
/// ``standard`` is the shipped encoder's recipe; ``test`` trains a tiny one in seconds. The same
/// recipe, world and thread count on one machine give bit-identical files.
public struct EncoderRecipe: Codable, Sendable, Equatable {
    /// Tokenizer vocabulary, special tokens included.
    public var vocabularySize = 1024
    public var hiddenSize = 256
    public var layerCount = 4
    public var headCount = 8
    public var keyValueHeadCount = 4
    public var intermediateSize = 1024
    /// Longest packed example, in tokens (also the model's `max_position_embeddings` / 2).
    public var maxSequenceLength = 64
    public var steps = 3000
    public var batchSize = 32
    public var learningRate: Float = 1e-3
    public var warmupSteps = 150
    public var weightDecay: Float = 0.1
    public var beta2: Float = 0.95
    /// Seeds the initial weights and the data order (the corpus comes from the world's own seed).
    public var seed: UInt64 = 0
    /// Storage type of the saved weights.
    public var storesBFloat16 = true
    /// Steps between trainer checkpoints (when a checkpoint folder is given); does not change the weights.
    public var checkpointEvery = 250

    public init() {}

    /// The shipped encoder: 4 layers, width 256, 4.2 M parameters, 3,000 steps of 32 packed
    /// examples (about 6.1 M tokens, 25 passes over the corpus). It answers 98.8% of the fact
    /// questions and 90.9% of the held-out paraphrases (docs/world.md).
    public static let standard = EncoderRecipe()

    /// A tiny encoder for tests (width 32, 2 layers, 40 steps, a checkpoint every 10): seconds, not quality.
    public static var test: EncoderRecipe {
        var recipe = EncoderRecipe()
        (recipe.vocabularySize, recipe.hiddenSize, recipe.layerCount, recipe.headCount, recipe.keyValueHeadCount) = (300, 32, 2, 2, 1)
        (recipe.intermediateSize, recipe.steps, recipe.batchSize, recipe.warmupSteps) = (64, 40, 8, 4)
        recipe.checkpointEvery = 10
        recipe.learningRate = 3e-3
        return recipe
    }

    /// The Qwen2 `config.json` of this recipe for a tokenizer of `vocabularySize` ids.
    public func modelConfiguration(vocabularySize: Int, endOfText: Int) -> [String: Any] {
        [
            "architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "vocab_size": vocabularySize,
            "hidden_size": hiddenSize, "intermediate_size": intermediateSize, "num_hidden_layers": layerCount,
            "num_attention_heads": headCount, "num_key_value_heads": keyValueHeadCount,
            "max_position_embeddings": 2 * maxSequenceLength, "rms_norm_eps": 1e-6, "rope_theta": 10000.0,
            "tie_word_embeddings": true, "hidden_act": "silu", "initializer_range": 0.02, "attention_dropout": 0.0,
            "use_sliding_window": false, "bos_token_id": endOfText, "eos_token_id": endOfText,
            "torch_dtype": storesBFloat16 ? "bfloat16" : "float32",
        ]
    }

    /// The trainer settings of this recipe.
    /// The warm-up is capped at the run's length, so a run shortened with `--steps` stays valid.
    public var training: TrainingConfiguration {
        TrainingConfiguration(
            steps: steps, batchSize: batchSize, learningRate: learningRate, warmupSteps: min(warmupSteps, steps),
            weightDecay: weightDecay, beta2: beta2, seed: seed, checkpointEvery: checkpointEvery)
    }

    /// Trains the tokenizer and the encoder of `world` into the world folder `directory`.
    ///
    /// - Parameters:
    ///   - checkpoints: where trainer checkpoints go (a rerun resumes from the newest); nil for none.
    ///   - stopAfter: end this invocation after this step (a later run resumes).
    /// - Returns: the trainer's result (losses, tokens, seconds).
    /// - Throws: `TokenizerError`, `TrainingError`, `TextEncoderError`, `ModelIOError`.
    @discardableResult
    public func train(
        world: World, into directory: URL, checkpoints: URL? = nil, stopAfter: Int? = nil,
        progress: (TrainingProgress) -> Void = { _ in }
    ) throws -> TrainingResult {
        let corpus = world.corpus()
        let trainer = try BPETrainer(configuration: .init(
            vocabularySize: vocabularySize, endOfSequenceToken: "<|endoftext|>", modelMaximumLength: 2 * maxSequenceLength))
        let tokenizer = try trainer.train(texts: corpus)
        let tokenizerDirectory = directory.appending(path: WorldFolder.tokenizer)
        try tokenizer.write(to: tokenizerDirectory)
        let endOfText = tokenizer.specialTokenIDs["<|endoftext|>"] ?? tokenizer.regularVocabularySize
        return try LanguageModelPretraining.train(
            config: modelConfiguration(vocabularySize: tokenizer.vocabularySize, endOfText: endOfText),
            tokenizerDirectory: tokenizerDirectory, texts: corpus, training: training,
            options: .init(maxSequenceLength: maxSequenceLength, dtype: storesBFloat16 ? .bfloat16 : .float32,
                           checkpointDirectory: checkpoints, stopAfter: stopAfter, packing: true),
            output: directory.appending(path: WorldFolder.textEncoder), progress: progress)
    }
}
