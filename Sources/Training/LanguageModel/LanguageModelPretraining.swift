import Foundation
import ModelIO
import Tensors
import TextEncoders

/// Pretrains a causal language model (Qwen2, or any decoder ``TextEncoderLoader`` reads) from
/// scratch in Swift and saves it as a transformers checkpoint directory.
///
/// Recipe:
/// 1. Initial weights as transformers initialises them (``RandomCheckpoint/Initialization/transformers``:
///    normal(0, `initializer_range`) matrices and embeddings, ones for RMSNorm weights, zero biases;
///    tied embeddings stay tied), seeded by the training seed.
/// 2. Each text is tokenised with the tokenizer directory's tokenizer and the eos id appended
///    (``LanguageModelCorpus``), one example per text or, with ``Options/packing``, whole texts
///    packed into examples of up to ``Options/maxSequenceLength`` tokens; right-padded batches.
/// 3. ``Trainer`` minimises next-token cross-entropy (``CausalLanguageModelObjective``) with AdamW,
///    warmup + cosine, gradient clipping; checkpoints and resume as the trainer provides.
/// 4. The result is written by ``LanguageModelExport`` (config.json, model.safetensors in f32 or
///    bf16, the tokenizer files).
///
/// Same seed, texts and configuration on the same machine and thread count give bit-identical weights.
public enum LanguageModelPretraining {
    /// Options of the recipe beyond the trainer's configuration.
    public struct Options: Sendable {
        /// Longest example in tokens; longer texts are split (``LanguageModelCorpus``).
        public var maxSequenceLength: Int
        /// Storage type of the saved weights (`.float32` or `.bfloat16`).
        public var dtype: DType
        /// Where trainer checkpoints go (resumed from when present); nil for none.
        public var checkpointDirectory: URL?
        /// End this invocation after this step (see ``Trainer/train(parameters:objective:checkpointDirectory:resume:stopAfter:progress:)``).
        public var stopAfter: Int?
        /// Pack whole texts into examples of up to `maxSequenceLength` tokens
        /// (``LanguageModelCorpus/packedExamples(texts:tokenizer:eosID:maxLength:)``) instead of one
        /// example per text: nearly no padding, so several times fewer wasted FLOPs on short texts.
        public var packing: Bool

        public init(
            maxSequenceLength: Int = 128, dtype: DType = .float32, checkpointDirectory: URL? = nil,
            stopAfter: Int? = nil, packing: Bool = false
        ) {
            self.packing = packing
            self.maxSequenceLength = maxSequenceLength
            self.dtype = dtype
            self.checkpointDirectory = checkpointDirectory
            self.stopAfter = stopAfter
        }
    }

    /// Trains a model of `config` (a `config.json` dictionary) on `texts` and saves it to `output`.
    ///
    /// - Parameters:
    ///   - config: the model's `config.json` as a dictionary (`model_type`, sizes, `vocab_size`, …);
    ///     `initializer_range` (default 0.02) sets the initial standard deviation.
    ///   - tokenizerDirectory: `tokenizer.json` (or vocab.json + merges.txt) and `tokenizer_config.json`.
    ///   - texts: the training texts.
    ///   - output: the checkpoint directory to write (replaced atomically if it exists).
    /// - Returns: the trainer's result (losses, throughput, final parameters).
    /// - Throws: ``TrainingError`` (configuration, empty data, checkpoints, non-finite loss),
    ///   `TextEncoderError`/`TokenizerError` for a bad config or tokenizer, `ModelIOError`.
    @discardableResult
    public static func train(
        config: [String: Any], tokenizerDirectory: URL, texts: [String], training: TrainingConfiguration,
        options: Options = Options(), output: URL, progress: (TrainingProgress) -> Void = { _ in }
    ) throws -> TrainingResult {
        try training.validate()
        guard !texts.isEmpty else { throw TrainingError.emptyDataset(reason: "no training texts") }
        try TrainingMemory.check(
            parameterCount: try RandomCheckpoint.parameterCount(config: config), averaged: training.emaDecay != nil)
        // The initial weights exist on disk only while they load (a mapped file stays readable after
        // it is unlinked), so a run stopped later, even by SIGKILL, leaves no folder behind.
        let work = FileManager.default.temporaryDirectory.appending(path: "mokus-pretrain-\(UUID().uuidString)")
        let encoder: TransformerTextEncoder
        do {
            defer { try? FileManager.default.removeItem(at: work) }
            encoder = try initialModel(
                config: config, tokenizerDirectory: tokenizerDirectory, seed: training.seed, in: work)
        }
        let eos = try LanguageModelExport.eosID(of: encoder, tokenizerDirectory: tokenizerDirectory, config: config)
        let examples = try (options.packing ? LanguageModelCorpus.packedExamples : LanguageModelCorpus.examples)(
            texts, encoder, eos, options.maxSequenceLength)
        let objective = try CausalLanguageModelObjective(encoder: encoder, examples: examples)
        let result = try Trainer(configuration: training).train(
            parameters: try objective.initialParameters(), objective: objective,
            checkpointDirectory: options.checkpointDirectory, stopAfter: options.stopAfter, progress: progress)
        try LanguageModelExport.save(
            result.parameters, config: config, tokenizerDirectory: tokenizerDirectory, dtype: options.dtype, to: output)
        return result
    }

    /// Writes transformers-initialised weights for `config` with the tokenizer files into `directory`
    /// and loads them.
    public static func initialModel(config: [String: Any], tokenizerDirectory: URL, seed: UInt64, in directory: URL)
        throws -> TransformerTextEncoder
    {
        let range = (config["initializer_range"] as? NSNumber)?.floatValue ?? 0.02
        try RandomCheckpoint.write(
            config: config, to: directory, scale: range, initialization: .transformers, seed: seed)
        try LanguageModelExport.copyTokenizerFiles(from: tokenizerDirectory, to: directory)
        return try TextEncoderLoader.load(directory: directory)
    }
}
