import Foundation
import Generators
import Tensors

/// A Mod-Adapter (``ModAdapterNetwork``): predicts a concept word's modulation offsets from one
/// concept image in one forward pass, with no test-time training. It is tied to the generator
/// (modulation space) and the text encoder (neutral features) it was trained with, by fingerprint.
public struct ModAdapter: Sendable {
    public var configuration: ModAdapterConfiguration
    /// The network's parameters by name (``ModAdapterNetwork/parameterShapes``).
    var parameters: [String: Tensor]
    /// The k-means router over neutral features (one centroid per expert); nil unless routing is k-means.
    var router: KMeans?
    /// The neutral caption of a concept word, `{word}` replaced by it.
    public var neutralTemplate: String
    public var generatorFingerprint: String
    public var encoderFingerprint: String
    /// The training stages run so far ("pretrain", "train").
    public var stages: [String]

    var network: ModAdapterNetwork { ModAdapterNetwork(configuration: configuration) }

    /// The expert a word's neutral feature routes to (0 unless k-means routing).
    func expert(neutral: Tensor) -> Int { router?.nearest(neutral.scalars) ?? 0 }

    /// Δ `[N, D]` of `word`'s neutral feature and an image's feature tokens `[P, C]` (no tape).
    func predict(features: Tensor, neutral: Tensor) -> Tensor {
        network(parameters, features: features, neutral: neutral, expert: expert(neutral: neutral))
    }

    /// The concepts of one image: each word's Δ (N = 1) or per-block Δ_ℓ (N = blocks, shared Δ zero).
    ///
    /// - Parameters:
    ///   - features: the image's feature tokens `[P, C]` (``Evaluator/ImageEvaluator/featureTokens(_:)``).
    ///   - neutral: per word, its neutral feature `[E]` (``NeutralFeatures``).
    public func concepts(features: Tensor, words: [(word: String, neutral: Tensor)], caption: String) -> ConceptModulationSet {
        let concepts = words.map { word, neutral in
            let delta = predict(features: features, neutral: neutral)
            return configuration.queries == 1
                ? ConceptModulation(word: word, delta: delta.reshaped([configuration.outputWidth]))
                : ConceptModulation(word: word, delta: .zeros([configuration.outputWidth]), blockDeltas: delta)
        }
        return ConceptModulationSet(concepts: concepts, caption: caption, generatorFingerprint: generatorFingerprint)
    }
}
