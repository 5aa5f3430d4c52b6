// Llama 2 and 3 (`model_type: llama`), after transformers
// `src/transformers/models/llama/modeling_llama.py`: RoPE decoder with optional biases
// (`attention_bias` on all four attention projections, `mlp_bias`), rope_theta 10000 by default,
// and `rope_scaling` of type `linear` or `llama3`.

extension RoPEDecoder.Configuration {
    /// Reads a Llama `config.json`.
    static func llama(_ config: ConfigFile) throws -> Self {
        try read(config, modelType: "llama", prefix: "model", defaultTheta: 10_000, defaultPositions: 2048) {
            let attention = $0.attentionBias ?? false
            return (queryKeyValue: attention, output: attention, mlp: $0.mlpBias ?? false)
        }
    }
}
