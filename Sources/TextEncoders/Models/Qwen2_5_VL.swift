// The text tower of Qwen2.5-VL (`model_type: qwen2_5_vl`), after transformers
// `src/transformers/models/qwen2_5_vl/modeling_qwen2_5_vl.py`, for text-only input: the Qwen2
// decoder. Its multimodal RoPE (`mrope_section`) gives every text token the same position on
// all three axes, which is ordinary 1-D RoPE. The vision tower (`visual.*`, or
// `model.visual.*` in newer files) is skipped without being read.
//
// Two key layouts exist: `model.layers.N…` (transformers < 4.52) and
// `model.language_model.layers.N…` (newer). Module and parameter names follow the checkpoint.

extension RoPEDecoder.Configuration {
    /// The top-level keys of a Qwen2.5-VL config that the text tower reads besides its own.
    struct VisionLanguageDocument: Codable {
        var tiedEmbeddings: Bool?
        enum CodingKeys: String, CodingKey { case tiedEmbeddings = "tie_word_embeddings" }
    }

    /// Reads a Qwen2.5-VL `config.json`; `keys` are the checkpoint's tensor names (to detect the
    /// layout).
    static func qwen2_5_VL(_ config: ConfigFile, keys: [String]) throws -> Self {
        // Newer configs nest the text settings in `text_config`; older ones keep them at top level.
        let text = config.nested("text_config").flatMap { $0.values["hidden_size"] == nil ? nil : $0 } ?? config
        let prefix = keys.contains { $0.hasPrefix("model.language_model.") } ? "model.language_model" : "model"
        var configuration = try qwen2(text, modelType: "qwen2_5_vl", prefix: prefix)
        if try text.decode(Document.self).tiedEmbeddings == nil {
            configuration.tiedEmbeddings = try config.decode(VisionLanguageDocument.self).tiedEmbeddings ?? false
        }
        configuration.ignoredPrefixes = ["visual.", "model.visual."]
        return configuration
    }
}
