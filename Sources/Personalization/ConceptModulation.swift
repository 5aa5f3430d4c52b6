import Tensors

/// The learned modulation offsets of one concept word (TokenVerse's M+ direction): Δ ∈ ℝᴰ added
/// to the conditioning of the word's tokens in every block, and optionally Δ_ℓ ∈ ℝᴰ per block ℓ
/// added on top (block ℓ then uses Δ + Δ_ℓ), D the generator's width.
public struct ConceptModulation: Sendable {
    public var word: String
    /// Δ, `[D]`.
    public var delta: Tensor
    /// Δ_ℓ, `[layers, D]`, or nil when one Δ serves every block.
    public var blockDeltas: Tensor?

    public init(word: String, delta: Tensor, blockDeltas: Tensor? = nil) {
        self.word = word
        self.delta = delta
        self.blockDeltas = blockDeltas
    }
}

/// What one `tokenverse learn` run produces and one Δ file holds: the concepts learned from one
/// image and caption, tied to the generator they were learned on.
public struct ConceptModulationSet: Sendable {
    public var concepts: [ConceptModulation]
    /// The caption the image was learned with.
    public var caption: String
    /// The generator's weights fingerprint (``Generators/ComponentWeights/fingerprint``).
    public var generatorFingerprint: String

    public init(concepts: [ConceptModulation], caption: String, generatorFingerprint: String) {
        self.concepts = concepts
        self.caption = caption
        self.generatorFingerprint = generatorFingerprint
    }

    /// The concepts whose word is in `words`, in this set's order.
    public func selecting(_ words: Set<String>) -> ConceptModulationSet {
        var subset = self
        subset.concepts = concepts.filter { words.contains($0.word) }
        return subset
    }
}
