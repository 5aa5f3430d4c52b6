/// How Mod-Adapter routes a concept to its projection experts (the paper's Table 3 variants).
public enum ModAdapterRouting: String, Codable, Sendable, CaseIterable {
    /// Parameter-free k-means routing: the expert of the cluster nearest the word's neutral feature.
    case kmeans
    /// A learned softmax gate over the experts from the neutral feature (the ablation).
    case gate
    /// One projection MLP, no experts (the "no MoE" ablation).
    case single
}

/// The sizes of a Mod-Adapter network (``ModAdapterNetwork``), recorded in its file.
public struct ModAdapterConfiguration: Codable, Sendable, Equatable {
    /// C: the image encoder's feature channels (the evaluator backbone's last width).
    public var imageChannels: Int
    /// E: the text encoder's hidden width (neutral features).
    public var textWidth: Int
    /// d: the cross-attention width.
    public var attentionWidth: Int
    /// The experts' hidden width.
    public var hiddenWidth: Int
    /// D: the generator's width (the modulation space).
    public var outputWidth: Int
    /// N: block queries — the generator's block count for per-block Δ, 1 for one Δ shared by all.
    public var queries: Int
    /// K: experts (1 for ``ModAdapterRouting/single``).
    public var experts: Int
    public var routing: ModAdapterRouting

    public init(
        imageChannels: Int, textWidth: Int, attentionWidth: Int = 64, hiddenWidth: Int = 128, outputWidth: Int,
        queries: Int, experts: Int = 4, routing: ModAdapterRouting = .kmeans
    ) {
        self.imageChannels = imageChannels
        self.textWidth = textWidth
        self.attentionWidth = attentionWidth
        self.hiddenWidth = hiddenWidth
        self.outputWidth = outputWidth
        self.queries = queries
        self.experts = routing == .single ? 1 : experts
        self.routing = routing
    }

    enum CodingKeys: String, CodingKey {
        case imageChannels = "image_channels", textWidth = "text_width", attentionWidth = "attention_width"
        case hiddenWidth = "hidden_width", outputWidth = "output_width", queries, experts, routing
    }
}
