import Foundation

extension RoPEDecoder.Configuration {
    /// Reads and validates the settings every RoPE decoder shares (Qwen2, Llama, the Qwen2.5-VL
    /// text tower), before anything is built from them: sizes and counts in ``ConfigLimits``,
    /// `hidden_size` a multiple of `num_attention_heads` (when `head_dim` is absent), an even head
    /// dimension, `num_attention_heads` a multiple of `num_key_value_heads`, `hidden_act` one this
    /// decoder computes (SiLU), a positive `rms_norm_eps`, and the rotary settings
    /// (``RotaryEmbedding/init(_:dimension:defaultBase:)``).
    ///
    /// - Parameters:
    ///   - defaultTheta: transformers' `rope_theta` default for the architecture.
    ///   - defaultPositions: transformers' `max_position_embeddings` default for the architecture.
    /// - Throws: ``TextEncoderError/invalidConfiguration(file:key:reason:)`` naming the key.
    static func read(
        _ config: ConfigFile, modelType: String, prefix: String, defaultTheta: Float, defaultPositions: Int,
        queryKeyValueBias: Bool, outputBias: Bool, mlpBias: Bool
    ) throws -> Self {
        let hidden = try config.int("hidden_size", in: ConfigLimits.width)
        let heads = try config.int("num_attention_heads", in: ConfigLimits.heads)
        let headDimension: Int
        if config.values["head_dim"] == nil || config.values["head_dim"] is NSNull {
            try config.requireMultiple("hidden_size", hidden, of: "num_attention_heads", heads)
            headDimension = hidden / heads
        } else {
            headDimension = try config.int("head_dim", in: ConfigLimits.width)
        }
        guard headDimension % 2 == 0 else {
            throw config.invalid("head_dim", "rotary embeddings need an even head dimension, found \(headDimension)")
        }
        let keyValueHeads = try config.int("num_key_value_heads", in: 1...heads, default: heads)
        try config.requireMultiple("num_attention_heads", heads, of: "num_key_value_heads", keyValueHeads)
        let activation = try config.string("hidden_act", default: "silu")
        guard ["silu", "swish"].contains(activation) else {
            throw config.invalid("hidden_act", "\"\(activation)\" is not supported (silu, swish)")
        }
        return Self(
            modelType: modelType, hiddenSize: hidden, layerCount: try config.int("num_hidden_layers", in: ConfigLimits.layers),
            headCount: heads, keyValueHeadCount: keyValueHeads, headDimension: headDimension,
            intermediateSize: try config.int("intermediate_size", in: ConfigLimits.width),
            vocabularySize: try config.int("vocab_size", in: ConfigLimits.vocabulary),
            rmsNormEpsilon: try config.positiveFloat("rms_norm_eps", default: 1e-6),
            rotary: try RotaryEmbedding(config, dimension: headDimension, defaultBase: defaultTheta),
            maximumPositions: try config.int("max_position_embeddings", in: ConfigLimits.positions, default: defaultPositions),
            queryKeyValueBias: queryKeyValueBias, outputBias: outputBias, mlpBias: mlpBias,
            tiedEmbeddings: try config.bool("tie_word_embeddings", default: false), prefix: prefix)
    }
}
