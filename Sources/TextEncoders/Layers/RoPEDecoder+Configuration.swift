import Foundation

extension RoPEDecoder.Configuration {
    /// The `config.json` keys every RoPE decoder reads (Qwen2, Llama, the Qwen2.5-VL text tower),
    /// as written: absent or null keys are nil. Llama's `attention_bias` and `mlp_bias` are read
    /// here too (Qwen2 configs do not write them).
    struct Document: Codable {
        var hiddenSize: ConfigInteger?
        var attentionHeads: ConfigInteger?
        var headDimension: ConfigInteger?
        var keyValueHeads: ConfigInteger?
        var activation: String?
        var layers: ConfigInteger?
        var intermediateSize: ConfigInteger?
        var vocabularySize: ConfigInteger?
        var rmsNormEpsilon: Double?
        var maximumPositions: ConfigInteger?
        var tiedEmbeddings: Bool?
        var attentionBias: Bool?
        var mlpBias: Bool?
        /// Top-level `rope_theta` (configs before transformers 5).
        var ropeTheta: Double?
        /// `rope_parameters` (transformers ≥ 5) or, in older configs, `rope_scaling`.
        var ropeParameters: RotaryEmbedding.Document?
        var ropeScaling: RotaryEmbedding.Document?

        enum CodingKeys: String, CodingKey {
            case hiddenSize = "hidden_size", attentionHeads = "num_attention_heads", headDimension = "head_dim"
            case keyValueHeads = "num_key_value_heads", activation = "hidden_act", layers = "num_hidden_layers"
            case intermediateSize = "intermediate_size", vocabularySize = "vocab_size", rmsNormEpsilon = "rms_norm_eps"
            case maximumPositions = "max_position_embeddings", tiedEmbeddings = "tie_word_embeddings"
            case attentionBias = "attention_bias", mlpBias = "mlp_bias", ropeTheta = "rope_theta"
            case ropeParameters = "rope_parameters", ropeScaling = "rope_scaling"
        }
    }

    /// Decodes and validates the settings every RoPE decoder shares, before anything is built
    /// from them: sizes and counts in ``ConfigLimits``, `hidden_size` a multiple of
    /// `num_attention_heads` (when `head_dim` is absent), an even head dimension,
    /// `num_attention_heads` a multiple of `num_key_value_heads`, `hidden_act` one this decoder
    /// computes (SiLU), a positive `rms_norm_eps`, and the rotary settings
    /// (``RotaryEmbedding/init(_:in:dimension:defaultBase:)``).
    ///
    /// - Parameters:
    ///   - defaultTheta: transformers' `rope_theta` default for the architecture.
    ///   - defaultPositions: transformers' `max_position_embeddings` default for the architecture.
    ///   - biases: the q/k/v, output and MLP biases, from the architecture and its document.
    /// - Throws: ``TextEncoderError/invalidConfiguration(file:key:reason:)`` naming the key.
    static func read(
        _ config: ConfigFile, modelType: String, prefix: String, defaultTheta: Float, defaultPositions: Int,
        biases: (Document) -> (queryKeyValue: Bool, output: Bool, mlp: Bool)
    ) throws -> Self {
        let document = try config.decode(Document.self)
        let hidden = try config.integer(document.hiddenSize, "hidden_size", in: ConfigLimits.width)
        let heads = try config.integer(document.attentionHeads, "num_attention_heads", in: ConfigLimits.heads)
        let headDimension: Int
        if let width = document.headDimension {
            headDimension = try config.integer(width, "head_dim", in: ConfigLimits.width)
        } else {
            try config.requireMultiple("hidden_size", hidden, of: "num_attention_heads", heads)
            headDimension = hidden / heads
        }
        guard headDimension % 2 == 0 else {
            throw config.invalid("head_dim", "rotary embeddings need an even head dimension, found \(headDimension)")
        }
        let keyValueHeads = try config.integer(document.keyValueHeads, "num_key_value_heads", in: 1...heads, default: heads)
        try config.requireMultiple("num_attention_heads", heads, of: "num_key_value_heads", keyValueHeads)
        _ = try config.choice(document.activation, "hidden_act", default: "silu", supported: ["silu", "swish"])
        let bias = biases(document)
        return Self(
            modelType: modelType, hiddenSize: hidden,
            layerCount: try config.integer(document.layers, "num_hidden_layers", in: ConfigLimits.layers),
            headCount: heads, keyValueHeadCount: keyValueHeads, headDimension: headDimension,
            intermediateSize: try config.integer(document.intermediateSize, "intermediate_size", in: ConfigLimits.width),
            vocabularySize: try config.integer(document.vocabularySize, "vocab_size", in: ConfigLimits.vocabulary),
            rmsNormEpsilon: try config.positive(document.rmsNormEpsilon, "rms_norm_eps", default: 1e-6),
            rotary: try RotaryEmbedding(document, in: config, dimension: headDimension, defaultBase: defaultTheta),
            maximumPositions: try config.integer(document.maximumPositions, "max_position_embeddings", in: ConfigLimits.positions, default: defaultPositions),
            queryKeyValueBias: bias.queryKeyValue, outputBias: bias.output, mlpBias: bias.mlp,
            tiedEmbeddings: document.tiedEmbeddings ?? false, prefix: prefix)
    }
}
