/// The ranges `config.json` sizes and counts must fall in. The upper bounds are far above any
/// released checkpoint (Llama 3.1 405B: width 16384, 126 layers, 128 heads, 53248-wide MLP;
/// vocabularies up to 256 k; contexts up to 10 M tokens) and low enough that what the loader builds
/// from a config before reading the weights (module lists, rotary frequencies) stays small: a typo
/// such as `"num_hidden_layers": 1e9` is an error, not minutes of work and gigabytes of memory.
enum ConfigLimits {
    /// Widths: hidden size, MLP width, head dimension.
    static let width = 1...(1 << 18)
    /// Transformer blocks.
    static let layers = 1...4096
    /// Attention heads (query or key/value).
    static let heads = 1...4096
    /// Vocabulary entries.
    static let vocabulary = 1...(1 << 24)
    /// Positions (`max_position_embeddings`, `n_positions`).
    static let positions = 1...(1 << 26)
}
