// Qwen2 / Qwen2.5 (`model_type: qwen2`), after transformers
// `src/transformers/models/qwen2/modeling_qwen2.py`: the Llama decoder with biases on the q/k/v
// projections (none on o_proj or the MLP), rope_theta 1e6 by default, optional tied embeddings.

extension RoPEDecoder.Configuration {
    /// Reads a Qwen2 `config.json` (also the text part of Qwen2.5-VL).
    static func qwen2(_ config: ConfigFile, modelType: String = "qwen2", prefix: String = "model") throws -> Self {
        let hidden = try config.int("hidden_size")
        let heads = try config.int("num_attention_heads")
        let headDimension = try config.int("head_dim", default: hidden / heads)
        return Self(
            modelType: modelType, hiddenSize: hidden, layerCount: try config.int("num_hidden_layers"),
            headCount: heads, keyValueHeadCount: try config.int("num_key_value_heads", default: heads),
            headDimension: headDimension, intermediateSize: try config.int("intermediate_size"),
            vocabularySize: try config.int("vocab_size"), rmsNormEpsilon: try config.float("rms_norm_eps", default: 1e-6),
            rotary: try RotaryEmbedding(config, dimension: headDimension, defaultBase: 1_000_000),
            queryKeyValueBias: true, outputBias: false, mlpBias: false,
            tiedEmbeddings: try config.bool("tie_word_embeddings", default: false), prefix: prefix)
    }
}
