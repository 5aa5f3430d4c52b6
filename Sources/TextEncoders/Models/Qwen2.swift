// Qwen2 / Qwen2.5 (`model_type: qwen2`), after transformers
// `src/transformers/models/qwen2/modeling_qwen2.py`: the Llama decoder with biases on the q/k/v
// projections (none on o_proj or the MLP), rope_theta 1e6 by default, optional tied embeddings.

extension RoPEDecoder.Configuration {
    /// Reads a Qwen2 `config.json` (also the text part of Qwen2.5-VL).
    static func qwen2(_ config: ConfigFile, modelType: String = "qwen2", prefix: String = "model") throws -> Self {
        try read(config, modelType: modelType, prefix: prefix, defaultTheta: 1_000_000, defaultPositions: 32_768) { _ in
            (queryKeyValue: true, output: false, mlp: false)
        }
    }
}
