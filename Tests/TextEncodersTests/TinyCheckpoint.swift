import Foundation
import ModelInterfaces
import ModelIO
import Tensors
@testable import TextEncoders

/// Writes small random-weight checkpoints for tests that need no reference values (hooks,
/// padding invariances, saving, broken inputs). Parity with transformers is tested on the
/// committed fixtures instead.
enum TinyCheckpoint {
    static let vocabulary = 40

    /// Config values of a Qwen2-shaped model (2 layers, width 16, 4 heads of 4, 2 KV heads).
    static func qwen2Config(tied: Bool = false) -> [String: Any] {
        ["model_type": "qwen2", "hidden_size": 16, "num_hidden_layers": 2, "num_attention_heads": 4,
         "num_key_value_heads": 2, "intermediate_size": 24, "vocab_size": vocabulary, "rms_norm_eps": 1e-6,
         "rope_theta": 10000.0, "tie_word_embeddings": tied, "architectures": ["Qwen2ForCausalLM"]]
    }

    static func gpt2Config() -> [String: Any] {
        ["model_type": "gpt2", "n_embd": 16, "n_layer": 2, "n_head": 4, "n_positions": 32, "vocab_size": vocabulary,
         "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new"]
    }

    /// Writes `config` and random weights (see ``RandomCheckpoint``), then lets `edit` change the
    /// tensors (to make broken checkpoints).
    @discardableResult
    static func write(config: [String: Any], to directory: URL, dtype: DType = .float32,
                      seed: UInt64 = 1, edit: ((inout [(String, Tensor)]) -> Void)? = nil) throws -> URL {
        try RandomCheckpoint.write(config: config, to: directory, dtype: dtype, scale: 0.3, seed: seed)
        if let edit {
            let url = directory.appending(path: "model.safetensors")
            let file = try SafetensorsFile(url: url)
            var tensors = try file.names.map { ($0, try file.tensor(named: $0)) }
            edit(&tensors)
            try SafetensorsWriter.write(tensors.map { SafetensorsEntry($0.0, $0.1, storedAs: dtype) }, to: url)
        }
        return directory
    }

    /// Loads `directory` with the character tokenizer.
    static func load(_ directory: URL) throws -> TransformerTextEncoder {
        try TextEncoderLoader.load(directory: directory, tokenizer: CharacterTokenizer())
    }
}

/// A test tokenizer: one token per ASCII letter (a → 1, …), space → 0.
struct CharacterTokenizer: TextTokenizer {
    func encode(_ text: String) throws -> [Int] {
        text.unicodeScalars.map { $0 == " " ? 0 : Int($0.value % 26) + 1 }
    }

    func decode(_ ids: [Int]) throws -> String {
        String(ids.map { $0 == 0 ? " " : Character(UnicodeScalar(UInt8(96 + ($0 - 1) % 26 + 1))) })
    }
}
