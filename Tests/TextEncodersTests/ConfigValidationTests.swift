import Foundation
import ModelInterfaces
import ModelIO
import Tensors
import TestSupport
import Testing
@testable import TextEncoders

/// Issue 17: every config value an architecture uses is validated when the config is read, so a
/// malformed config is a typed error naming the key, never a trap, a hang or a silently different
/// model.
@Suite("config.json values are validated at load")
struct ConfigValidationTests {
    /// Builds the architecture of `values` as the loader does, before any weight is read.
    func architecture(_ values: [String: Any]) throws -> any LanguageModelArchitecture {
        let config = ConfigFile(path: "config.json", values: values)
        return try TextEncoderLoader.architectureMaker(config)(config, []).0
    }

    func expectInvalid(_ key: String, _ values: [String: Any], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(sourceLocation: sourceLocation) {
            try architecture(values)
        } throws: { error in
            guard case .invalidConfiguration(_, let found, _)? = error as? TextEncoderError else { return false }
            return found == key
        }
    }

    static func qwen2(_ changes: [String: Any]) -> [String: Any] {
        TinyCheckpoint.qwen2Config().merging(changes) { $1 }
    }

    static func gpt2(_ changes: [String: Any]) -> [String: Any] {
        TinyCheckpoint.gpt2Config().merging(changes) { $1 }
    }

    @Test("sizes and counts out of range: negative layers, huge KV heads, a width of 1e12 (which hung)")
    func ranges() {
        expectInvalid("num_hidden_layers", Self.qwen2(["num_hidden_layers": -1]))
        expectInvalid("num_hidden_layers", Self.qwen2(["num_hidden_layers": 1_000_000_000]))
        expectInvalid("num_key_value_heads", Self.qwen2(["num_key_value_heads": 1 << 40]))
        expectInvalid("hidden_size", Self.qwen2(["hidden_size": 1_000_000_000_000]))
        expectInvalid("vocab_size", Self.qwen2(["vocab_size": 0]))
        expectInvalid("max_position_embeddings", Self.qwen2(["max_position_embeddings": -1]))
        expectInvalid("n_layer", Self.gpt2(["n_layer": -3]))
    }

    @Test("the Codable documents: a fraction or a boolean for a count, a list holding a boolean, name their key")
    func types() throws {
        expectInvalid("num_hidden_layers", Self.qwen2(["num_hidden_layers": 2.5]))
        expectInvalid("num_hidden_layers", Self.qwen2(["num_hidden_layers": 1e30]))
        expectInvalid("n_head", Self.gpt2(["n_head": true]))
        expectInvalid("tie_word_embeddings", Self.qwen2(["tie_word_embeddings": 1]))
        expectInvalid("rope_scaling", Self.qwen2(["rope_scaling": [1, 2]]))
        expectInvalid("rope_parameters.mrope_section", Self.qwen2(["rope_parameters": ["mrope_section": [1, true, 1]]]))
        do {
            _ = try architecture(Self.qwen2(["num_hidden_layers": 2.5]))
        } catch let error as TextEncoderError {
            #expect(error.description.hasSuffix("key \"num_hidden_layers\": expected an integer, found 2.5"), "\(error)")
        }
        // Counts written as integral floats (some exporters do) read as integers.
        #expect(try architecture(Self.qwen2(["num_hidden_layers": 2.0])).info.layerCount == 2)
    }

    @Test("divisibility: heads of the width, KV heads of the heads; GPT-2's n_head of n_embd (encode trapped)")
    func divisibility() {
        expectInvalid("hidden_size", Self.qwen2(["num_attention_heads": 3]))
        expectInvalid("num_attention_heads", Self.qwen2(["num_key_value_heads": 3]))
        expectInvalid("n_embd", Self.gpt2(["n_head": 3]))
        expectInvalid("head_dim", Self.qwen2(["head_dim": 5]))
    }

    @Test("hidden_act is read: anything but SiLU is refused instead of run as SiLU")
    func activation() throws {
        expectInvalid("hidden_act", Self.qwen2(["hidden_act": "gelu"]))
        expectInvalid("hidden_act", Self.qwen2(["hidden_act": "bogus"]))
        expectInvalid("hidden_act", Self.qwen2(["hidden_act": 3]))
        _ = try architecture(Self.qwen2(["hidden_act": "silu"]))
    }

    @Test("rope settings: theta > 0, a rope_parameters object, positive factors, mrope_section of three")
    func rope() throws {
        expectInvalid("rope_theta", Self.qwen2(["rope_theta": 0]))
        expectInvalid("rope_theta", Self.qwen2(["rope_theta": -5]))
        expectInvalid("rope_parameters", Self.qwen2(["rope_parameters": "fast"]))
        expectInvalid("rope_parameters.rope_theta", Self.qwen2(["rope_parameters": ["rope_theta": "high"]]))
        expectInvalid("rope_scaling.factor", Self.qwen2(["rope_scaling": ["rope_type": "linear", "factor": -2]]))
        expectInvalid("rope_scaling.low_freq_factor", Self.qwen2(["rope_scaling": [
            "rope_type": "llama3", "factor": 8, "low_freq_factor": 4, "high_freq_factor": 4, "original_max_position_embeddings": 64]]))
        let text: [String: Any] = TinyCheckpoint.qwen2Config().merging(
            ["rope_parameters": ["rope_type": "default", "type": "mrope", "mrope_section": [1, 1], "rope_theta": 10000.0]]) { $1 }
        expectInvalid("rope_parameters.mrope_section", ["model_type": "qwen2_5_vl", "text_config": text])
        // head_dim 4 (width 16, 4 heads): two rotary frequencies to share among three sections.
        for sections: [Any] in [[1, 0, 1], [1, 0.5, 0.5], [1, 1, 1]] {
            var wrong = text
            wrong["rope_parameters"] = ["type": "mrope", "mrope_section": sections, "rope_theta": 10000.0]
            expectInvalid("rope_parameters.mrope_section", ["model_type": "qwen2_5_vl", "text_config": wrong])
        }
        var good = text
        (good["hidden_size"], good["num_attention_heads"], good["num_key_value_heads"]) = (24, 4, 2)  // head_dim 6
        good["rope_parameters"] = ["type": "mrope", "mrope_section": [1, 1, 1], "rope_theta": 10000.0]
        #expect(try architecture(["model_type": "qwen2_5_vl", "text_config": good]).info.hiddenSize == 24)
    }

    @Test("the committed fixtures' configs all pass")
    func fixtures() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Fixtures")
        for name in ["qwen2", "qwen2-bf16", "llama", "gpt2", "qwen2_5_vl", "qwen2_5_vl-legacy-keys"] {
            let url = folder.appending(path: "\(name)/config.json")
            let config = try ConfigFile(url: url)
            _ = try TextEncoderLoader.architectureMaker(config)(config, [])
        }
    }
}

/// Issue 17: what a forward pass refuses before allocating, and NaN/Inf weights named instead of
/// scored as `nan`.
@Suite("forward passes refuse long sequences, over-budget estimates and non-finite weights")
struct ForwardGuardTests {
    @Test("a sequence longer than max_position_embeddings is a typed error (no RoPE check existed)")
    func contextLength() throws {
        let directory = try TemporaryDirectory(label: "mokus-textencoders")
        var config = TinyCheckpoint.qwen2Config()
        config["max_position_embeddings"] = 8
        try TinyCheckpoint.write(config: config, to: directory.url)
        let encoder = try TinyCheckpoint.load(directory.url)
        #expect(encoder.info.maximumSequenceLength == 8)
        _ = try encoder.forward(TokenBatch([Array(repeating: 1, count: 8)]))
        #expect(throws: TextEncoderError.sequenceTooLong(length: 9, maximum: 8)) {
            try encoder.forward(TokenBatch([Array(repeating: 1, count: 9)]))
        }
    }

    @Test("the estimate of a 54 k-token pass of a 7B-shaped model is far over any machine (issue: 57 GB allocated)")
    func estimate() {
        let bytes = ForwardGuards.forwardBytes(batch: 1, length: 54_000, heads: 28, width: 3584, mlpWidth: 18944,
                                               vocabulary: 152_064, logitRows: 54_000)
        #expect(bytes > 200 << 30)
        #expect(throws: MemoryBudgetError.self) { try MemoryBudget.check(bytes, for: "a pass", limit: 128 << 30) }
        #expect(MemoryBudget.bytes(Int.max, 2) == .max && MemoryBudget.bytes(-1, 2) == .max)
        #expect(MemoryBudget.sum(.max, 1) == .max)
    }

    @Test("NaN in a weight fails the pass, naming the parameter (was log p = nan, exit 0)")
    func nonFiniteWeight() throws {
        let directory = try TemporaryDirectory(label: "mokus-textencoders")
        try TinyCheckpoint.write(config: TinyCheckpoint.qwen2Config(), to: directory.url)
        let url = directory.file("model.safetensors")
        let file = try SafetensorsFile(url: url)
        let entries = try file.names.map { name -> SafetensorsEntry in
            guard name == "model.layers.1.mlp.down_proj.weight" else { return try SafetensorsEntry(copying: name, from: file) }
            var values = try file.tensor(named: name).scalars
            values[3] = .nan
            let bytes = values.withUnsafeBufferPointer { Data(buffer: $0) }
            return try SafetensorsEntry(name, dtype: .float32, shape: try file.info(named: name).shape, bytes: bytes)
        }
        try SafetensorsWriter.write(entries, to: url)
        let encoder = try TinyCheckpoint.load(directory.url)
        #expect(throws: TextEncoderError.nonFinite(name: "parameter \"model.layers.1.mlp.down_proj.weight\"")) {
            try encoder.forward(TokenBatch([[1, 2, 3]]))
        }
    }
}
