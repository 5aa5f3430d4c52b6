// Llama 2 and 3 (`model_type: llama`), after transformers
// `src/transformers/models/llama/modeling_llama.py`: RoPE decoder with optional biases
// (`attention_bias` on all four attention projections, `mlp_bias`), rope_theta 10000 by default,
// and `rope_scaling` of type `linear` or `llama3`.

extension RoPEDecoder.Configuration {
    /// Reads a Llama `config.json`.
    static func llama(_ config: ConfigFile) throws -> Self {
        let hidden = try config.int("hidden_size")
        let heads = try config.int("num_attention_heads")
        let headDimension = try config.int("head_dim", default: hidden / heads)
        let attentionBias = try config.bool("attention_bias", default: false)
        return Self(
            modelType: "llama", hiddenSize: hidden, layerCount: try config.int("num_hidden_layers"),
            headCount: heads, keyValueHeadCount: try config.int("num_key_value_heads", default: heads),
            headDimension: headDimension, intermediateSize: try config.int("intermediate_size"),
            vocabularySize: try config.int("vocab_size"), rmsNormEpsilon: try config.float("rms_norm_eps", default: 1e-6),
            rotary: try RotaryEmbedding(config, dimension: headDimension, defaultBase: 10_000),
            queryKeyValueBias: attentionBias, outputBias: attentionBias,
            mlpBias: try config.bool("mlp_bias", default: false),
            tiedEmbeddings: try config.bool("tie_word_embeddings", default: false), prefix: "model")
    }
}
