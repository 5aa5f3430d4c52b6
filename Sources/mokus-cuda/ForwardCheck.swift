import CUDA
import Foundation
import ModelInterfaces
import Tensors
import TextEncoders

/// Whole-model checks of the CUDA backend behind `Tensor`: a text encoder's forward pass on the
/// GPU against the same pass on the CPU, and the timing of a Qwen2.5-7B-shaped layer.
enum ForwardCheck {
    /// Max-norm relative logit error allowed: Float32 weights multiply in Float32 on both sides
    /// (cuBLAS without TF32, `expf` against ``FastMath``); bf16/f16 weights multiply on tensor
    /// cores with the activations rounded to the weights' type (2⁻⁹ relative per bf16 input),
    /// which the CPU does not do.
    static func tolerance(_ dtype: DType) -> Float { dtype == .float32 ? 1e-4 : 3e-2 }

    /// A padded batch of two sequences of fixed ids (`length` and `length − 3` tokens).
    static func batch(vocabulary: Int, length: Int) -> TokenBatch {
        let ids = (0..<length).map { ($0 * 37 + 11) % vocabulary }
        return TokenBatch([ids, Array(ids.dropFirst(3))], padding: .left, padID: 0)
    }

    /// The logits of `directory`'s encoder on the GPU against the CPU's; one report line, and
    /// whether the error is within ``tolerance(_:)``.
    static func parity(directory: URL, backend: CUDABackend) throws -> (line: String, passed: Bool) {
        let encoder = try TextEncoderLoader.load(directory: directory)
        let dtype = encoder.parameters.first?.dtype ?? .float32
        let batch = batch(vocabulary: encoder.info.vocabularySize, length: 24)
        var start = ContinuousClock.now
        let cpu = try encoder.forward(batch).logits.scalars
        let cpuTime = ContinuousClock.now - start
        _ = try Backend.withCurrent(backend) { try encoder.forward(batch).logits.scalars }  // warm-up: uploads, kernel compilation
        start = ContinuousClock.now
        let gpu = try Backend.withCurrent(backend) { try encoder.forward(batch).logits.scalars }
        let gpuTime = ContinuousClock.now - start
        let scale = cpu.map(abs).max() ?? 0
        let error = zip(gpu, cpu).map { abs($0 - $1) }.max() ?? 0
        let relative = error / max(scale, 1e-30)
        let passed = relative <= tolerance(dtype)
        let line = "\(passed ? "ok  " : "FAIL") forward \(directory.lastPathComponent) (\(dtype.rawValue) weights, 2×24 tokens): "
            + "logits max-norm relative error \(String(format: "%.1e", relative)) (tolerance \(String(format: "%.0e", tolerance(dtype)))); "
            + "CPU \(cpuTime), GPU \(gpuTime)"
        return (line, passed)
    }

    /// Qwen2.5-7B's decoder layer (hidden 3584, 28/4 heads of 128, MLP 18944, bf16 weights) as a
    /// one-layer random checkpoint with a small vocabulary, so its forward is the layer plus an
    /// embedding lookup and a final norm (logits for the last token only).
    static func sevenBLayer(vocabulary: Int) -> [String: Any] { [
        "model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"], "hidden_size": 3584, "intermediate_size": 18944,
        "num_hidden_layers": 1, "num_attention_heads": 28, "num_key_value_heads": 4, "vocab_size": vocabulary,
        "rms_norm_eps": 1e-6, "rope_theta": 1_000_000.0, "tie_word_embeddings": true, "max_position_embeddings": 32_768,
    ] }

    /// Mean forward time of the 7B-shaped layer on the GPU at `tokens` tokens (batch 1), after 2
    /// warm-up passes, as report lines. The tokenizer file is copied from `tokenizerDirectory`
    /// (its vocabulary sizes the embedding).
    static func layerTiming(tokenizerDirectory: URL, scratch: URL, backend: CUDABackend,
                            tokens: [Int] = [512, 4096], iterations: Int = 10) throws -> [String] {
        let tokenizerEncoder = try TextEncoderLoader.load(directory: tokenizerDirectory)
        let vocabulary = tokenizerEncoder.info.vocabularySize
        let directory = scratch.appending(path: "qwen2.5-7b-layer")
        defer { try? FileManager.default.removeItem(at: directory) }
        try RandomCheckpoint.write(config: sevenBLayer(vocabulary: vocabulary), to: directory,
                                   dtype: .bfloat16, seed: 19, shardBytes: 4_000_000_000)
        try FileManager.default.copyItem(at: tokenizerDirectory.appending(path: "tokenizer.json"), to: directory.appending(path: "tokenizer.json"))
        let encoder = try TextEncoderLoader.load(directory: directory)
        var lines: [String] = []
        for length in tokens {
            let ids = (0..<length).map { ($0 * 37 + 11) % vocabulary }
            var hooks = ForwardHooks()
            hooks.logitRows = [length - 1]
            func pass() throws { _ = try Backend.withCurrent(backend) { try encoder.forward(TokenBatch([ids]), hooks: hooks).logits.scalars } }
            for _ in 0..<2 { try pass() }
            let start = ContinuousClock.now
            for _ in 0..<iterations { try pass() }
            let seconds = (ContinuousClock.now - start) / iterations
            let milliseconds = Double(seconds.components.seconds) * 1e3 + Double(seconds.components.attoseconds) * 1e-15
            // 2·params·tokens for the projections, + 4·L²·H·D/2 for causal attention.
            let flops = 2.0 * 233_050_624 * Double(length) + 2.0 * Double(length * length) * 28 * 128
            lines.append(String(format: "time Qwen2.5-7B layer forward, bf16 weights, %5d tokens   %9.3f ms  %7.1f TFLOP/s",
                                length, milliseconds, flops / milliseconds / 1e9))
        }
        let stats = backend.device.allocator.statistics
        lines.append("allocator after the layer: peak \(stats.peakBytesInUse >> 20) MiB in use, \(stats.bytesCached >> 20) MiB cached")
        return lines
    }
}
