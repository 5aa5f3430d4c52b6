import Foundation
import ModelInterfaces
import Statistics
import Tensors
import Testing
import TestSupport
import TextEncoders

/// A tiny random Qwen2 model, a tokenizer for it, and corpora, for layer-statistics tests.
enum StatisticsTestModel {
    static let vocabulary = 40
    /// `model.layers.1.mlp.down_proj`, whose input is the 24-wide MLP activation.
    static let module = "model.layers.1.mlp.down_proj"
    static let moduleWidth = 24

    /// A Qwen2-shaped config (2 layers, width 16, MLP width 24); `ropeTheta` varies the config alone.
    static func config(ropeTheta: Double = 10000) -> [String: Any] {
        ["model_type": "qwen2", "hidden_size": 16, "num_hidden_layers": 2, "num_attention_heads": 4,
         "num_key_value_heads": 2, "intermediate_size": moduleWidth, "vocab_size": vocabulary, "rms_norm_eps": 1e-6,
         "rope_theta": ropeTheta, "tie_word_embeddings": false, "architectures": ["Qwen2ForCausalLM"]]
    }

    /// Writes a random checkpoint into `directory` and loads it.
    static func encoder(
        in directory: URL, seed: UInt64 = 7, ropeTheta: Double = 10000
    ) throws -> TransformerTextEncoder {
        let checkpoint = directory.appending(path: "model-\(seed)-\(Int(ropeTheta))")
        try RandomCheckpoint.write(config: config(ropeTheta: ropeTheta), to: checkpoint, scale: 0.3, seed: seed)
        return try TextEncoderLoader.load(directory: checkpoint, tokenizer: ScalarTokenizer())
    }

    /// `count` documents of 1–30 characters (letters and spaces, starting with a letter), from a
    /// fixed LCG.
    static func documents(_ count: Int = 23) -> [String] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        return (0..<count).map { _ in
            String((0..<(1 + next(30))).map { position in
                let letter = next(27)
                return letter == 26 && position > 0 ? " " : Character(UnicodeScalar(UInt8(97 + letter % 26)))
            })
        }
    }

    /// Writes `documents` as JSONL objects `{"text": …}` to `name` in `directory`.
    static func jsonl(
        _ documents: [String], in directory: TemporaryDirectory, name: String = "corpus.jsonl"
    ) throws -> TextCorpus {
        let lines = try documents.map {
            String(decoding: try JSONSerialization.data(withJSONObject: ["text": $0]), as: UTF8.self)
        }
        let url = try directory.write(lines.joined(separator: "\n") + "\n", to: name)
        return TextCorpus(url: url, format: .jsonl(field: "text"))
    }

    /// Σ k kᵀ and the token count computed directly in Float64: one unpadded forward pass per
    /// document (cut to its first `lengths[i]` tokens), capturing the module's input at every row.
    static func reference(
        _ encoder: any TextEncoder, _ documents: [String], lengths: [Int]? = nil
    ) throws -> SecondMoment {
        let d = moduleWidth
        var sum = [Double](repeating: 0, count: moduleWidth * moduleWidth)
        var count = 0
        for (index, document) in documents.enumerated() {
            let ids = Array(try encoder.tokenize(document).prefix(lengths?[index] ?? .max))
            guard !ids.isEmpty else { continue }
            var hooks = ForwardHooks()
            hooks.capture(module, .input)
            let output = try encoder.forward(TokenBatch([ids]), hooks: hooks)
            let keys = try #require(output.captures[ModulePoint(module, .input)]).scalars
            for row in 0..<ids.count {
                for i in 0..<d {
                    for j in 0..<d {
                        sum[i * d + j] += Double(keys[row * d + i]) * Double(keys[row * d + j])
                    }
                }
            }
            count += ids.count
        }
        return try SecondMoment(dimension: moduleWidth, sum: sum, count: count)
    }

    /// ‖a − b‖ / ‖b‖ (Frobenius) of two sums.
    static func relativeError(_ a: SecondMoment, _ b: SecondMoment) -> Double {
        let difference = zip(a.sum, b.sum).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        return (difference / b.sum.reduce(0) { $0 + $1 * $1 }).squareRoot()
    }
}

/// One token per Unicode scalar: its value modulo the test vocabulary.
struct ScalarTokenizer: TextTokenizer {
    func encode(_ text: String) throws -> [Int] {
        text.unicodeScalars.map { Int($0.value) % StatisticsTestModel.vocabulary }
    }

    func decode(_ ids: [Int]) throws -> String {
        String(String.UnicodeScalarView(ids.compactMap { UnicodeScalar(UInt8(96 + $0 % 26)) }))
    }
}

/// Records the phases and updates a computation reports.
final class RecordingProgress: ProgressReporter {
    private(set) var phases: [String] = []
    private(set) var updates: [(Int, String?)] = []
    private(set) var ended = 0

    func begin(_ phase: String, total: Int?) { phases.append(phase) }
    func update(completed: Int, detail: String?) { updates.append((completed, detail)) }
    func end() { ended += 1 }
}
