import Foundation
import ModelInterfaces

/// Paths of the repository and of this target's fixtures, found from this file's location.
enum TestFiles {
    /// `Tests/KnowledgeEditingTests`.
    static let testDirectory = URL(filePath: #filePath).deletingLastPathComponent()
    /// The repository root.
    static let repository = testDirectory.deletingLastPathComponent().deletingLastPathComponent()
    /// `Tests/KnowledgeEditingTests/Fixtures/<relative>`.
    static func fixture(_ relative: String) -> URL { testDirectory.appending(path: "Fixtures/\(relative)") }
}

/// Module names as the TextEncoders module lists them (`RoPEDecoder.moduleNames`, `GPT2.info`),
/// for checking templates without loading a model.
enum ModuleNames {
    /// Qwen2 / Qwen2.5 / Llama (`prefix` `model`) and the Qwen2.5-VL text tower
    /// (`model.language_model`).
    static func rope(layers: Int, prefix: String = "model") -> TextEncoderInfo {
        var names = ["\(prefix).embed_tokens"]
        for i in 0..<layers {
            let l = "\(prefix).layers.\(i)"
            names += [l, "\(l).input_layernorm", "\(l).self_attn", "\(l).self_attn.q_proj", "\(l).self_attn.k_proj",
                      "\(l).self_attn.v_proj", "\(l).self_attn.o_proj", "\(l).post_attention_layernorm", "\(l).mlp",
                      "\(l).mlp.gate_proj", "\(l).mlp.up_proj", "\(l).mlp.act_fn", "\(l).mlp.down_proj"]
        }
        return TextEncoderInfo(
            modelType: "qwen2", hiddenSize: 64, layerCount: layers, vocabularySize: 1, moduleNames: names + [
                "\(prefix).norm", "lm_head",
            ], layerModuleTemplate: "\(prefix).layers.{}")
    }

    /// GPT-2.
    static func gpt2(layers: Int) -> TextEncoderInfo {
        var names = ["transformer.wte", "transformer.wpe"]
        for i in 0..<layers {
            let l = "transformer.h.\(i)"
            names += [l, "\(l).ln_1", "\(l).attn", "\(l).attn.c_attn", "\(l).attn.c_proj", "\(l).ln_2", "\(l).mlp",
                      "\(l).mlp.c_fc", "\(l).mlp.act", "\(l).mlp.c_proj"]
        }
        return TextEncoderInfo(
            modelType: "gpt2", hiddenSize: 64, layerCount: layers, vocabularySize: 1,
            moduleNames: names + ["transformer.ln_f", "lm_head"], layerModuleTemplate: "transformer.h.{}")
    }
}
