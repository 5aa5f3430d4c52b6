import Foundation
import ModelInterfaces
import Tensors
import TextEncoders

/// Text-encoder rows: forward and forward+backward throughput of a Qwen2.5-0.5B-shaped random
/// model (batch 8 × 32 tokens), and the peak resident memory of a 32-token forward of a
/// Qwen2.5-1.5B-shaped bf16 checkpoint, measured in a fresh child process.
enum TextEncoderBenchmark {
    /// Qwen2.5-0.5B's shape (config.json of the released model, weights random).
    static var qwen2_5_0_5B: [String: Any] { [
        "model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"], "hidden_size": 896, "intermediate_size": 4864,
        "num_hidden_layers": 24, "num_attention_heads": 14, "num_key_value_heads": 2, "vocab_size": 151_936,
        "rms_norm_eps": 1e-6, "rope_theta": 1_000_000.0, "tie_word_embeddings": true, "max_position_embeddings": 32768,
    ] }
    /// Qwen2.5-1.5B's shape.
    static var qwen2_5_1_5B: [String: Any] { [
        "model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"], "hidden_size": 1536, "intermediate_size": 8960,
        "num_hidden_layers": 28, "num_attention_heads": 12, "num_key_value_heads": 2, "vocab_size": 151_936,
        "rms_norm_eps": 1e-6, "rope_theta": 1_000_000.0, "tie_word_embeddings": true, "max_position_embeddings": 32768,
    ] }

    /// Ids only: the benchmark feeds token ids directly.
    struct IDTokenizer: TextTokenizer {
        func encode(_ text: String) throws -> [Int] { text.unicodeScalars.map { Int($0.value) } }
        func decode(_ ids: [Int]) throws -> String { ids.map(String.init).joined(separator: " ") }
    }

    static func run(directory: URL, torchReference: Bool) throws -> [String] {
        var lines: [String] = []
        let small = directory.appending(path: "qwen2.5-0.5b-f32")
        defer { try? FileManager.default.removeItem(at: small) }
        let writeSeconds = try Measure.seconds { try RandomCheckpoint.write(config: qwen2_5_0_5B, to: small, dtype: .float32, seed: 1) }
        lines.append("Qwen2.5-0.5B-shaped random f32 checkpoint written in \(String(format: "%.1f", writeSeconds)) s")
        lines += try throughput(small, torchReference: torchReference)

        let large = directory.appending(path: "qwen2.5-1.5b-bf16")
        defer { try? FileManager.default.removeItem(at: large) }
        try RandomCheckpoint.write(config: qwen2_5_1_5B, to: large, dtype: .bfloat16, seed: 2)
        lines.append(try peakMemory(large))
        return lines
    }

    /// Forward and forward+backward tokens/s, batch 8 × 32, beside transformers when available.
    static func throughput(_ directory: URL, torchReference: Bool) throws -> [String] {
        let encoder = try TextEncoderLoader.load(directory: directory, tokenizer: IDTokenizer())
        let (batchSize, length) = (8, 32)
        var rng = RandomGenerator(seed: 5)
        let sequences = (0..<batchSize).map { _ in rng.integers(length, in: 0..<encoder.info.vocabularySize) }
        let batch = TokenBatch(sequences)
        let tokens = Double(batchSize * length)
        let forward = try Measure.medianSeconds(repeats: 3, warmUp: 1) { _ = try encoder.forward(batch) }
        let embedding = "model.embed_tokens"
        let targets = sequences.flatMap { Array($0.dropFirst()) + [-100] }
        let backward = try Measure.medianSeconds(repeats: 3, warmUp: 1) {
            let tape = Tape()
            let delta = tape.variable(Tensor.zeros([batchSize * length, encoder.info.hiddenSize]))
            var hooks = ForwardHooks()
            hooks.addDelta(embedding, at: Array(0..<(batchSize * length)), delta)
            let logits = try encoder.forward(batch, hooks: hooks).logits
            let loss = logits.reshaped([batchSize * length, -1]).crossEntropy(targets: targets)
            _ = tape.gradients(of: loss, withRespectTo: [delta])
        }
        // Matrices used in products: every 2-D parameter but the embedding table (a lookup); the
        // tied LM head is listed as `lm_head.weight`.
        let parameters = encoder.parameters.filter { $0.shape.count == 2 && $0.name != "model.embed_tokens.weight" }
            .reduce(0) { $0 + $1.shape.reduce(1, *) }
        let forwardFlops = 2 * tokens * Double(parameters)
        var lines = [
            "text encoder, batch \(batchSize) × \(length) tokens (\(parameters / 1_000_000) M matrix parameters, LM head included):",
            row("forward", seconds: forward, tokens: tokens, flops: forwardFlops),
            row("forward+backward (∂loss/∂embeddings)", seconds: backward, tokens: tokens, flops: 2 * forwardFlops),
        ]
        if torchReference, let reference = TorchReference.run(directory: directory, sequences: sequences) {
            lines.append("  transformers \(reference.version) on CPU, same weights and ids, same command:")
            lines.append(row("  forward", seconds: reference.forward, tokens: tokens, flops: forwardFlops)
                         + String(format: "  → ours %.2f×", reference.forward / forward))
            lines.append(row("  forward+backward", seconds: reference.backward, tokens: tokens, flops: 2 * forwardFlops)
                         + String(format: "  → ours %.2f×", reference.backward / backward))
        } else {
            lines.append("  transformers reference: not run (python3 with torch and transformers not importable)")
        }
        return lines
    }

    private static func row(_ label: String, seconds: Double, tokens: Double, flops: Double) -> String {
        String(format: "  %@: %.3f s, %.0f tokens/s, %.1f GFLOP/s in matrix products", label, seconds, tokens / seconds, flops / seconds / 1e9)
    }

    /// Runs `mokus-bench --forward-peak DIR` in a fresh process and compares its peak RSS with
    /// 1.25 × checkpoint size + 512 MB.
    static func peakMemory(_ directory: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["--forward-peak", directory.path(percentEncoded: false)]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let peak = Int(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        let fileBytes = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: [.fileSizeKey])
            .filter { $0.pathExtension == "safetensors" }
            .reduce(0) { $0 + ((try? $1.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0) }
        let bound = Int(1.25 * Double(fileBytes)) + 512_000_000
        return "Qwen2.5-1.5B-shaped bf16 (\(Measure.megabytes(fileBytes))), 32-token forward in a fresh process: peak RSS "
            + "\(Measure.megabytes(peak)) (bound 1.25 × file + 512 MB = \(Measure.megabytes(bound)): \(peak <= bound ? "within" : "EXCEEDED"))"
    }

    /// The child side of ``peakMemory(_:)``: loads, runs one 32-token forward, prints VmHWM.
    static func forwardPeak(directory: URL) throws {
        let encoder = try TextEncoderLoader.load(directory: directory, tokenizer: IDTokenizer())
        var rng = RandomGenerator(seed: 6)
        _ = try encoder.forward(TokenBatch([rng.integers(32, in: 0..<encoder.info.vocabularySize)]))
        print(Measure.memory("VmHWM:"))
    }
}
