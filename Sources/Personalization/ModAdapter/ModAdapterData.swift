import Evaluator
import Foundation
import Generators
import Tensors
import World

/// Mod-Adapter's training set, computed once: per training concept image its frozen image
/// features, latents, caption states and concept words (colour, pattern, shape, background) with
/// their spans and pretraining targets; per word of the vocabulary its neutral feature.
///
/// The pretraining target of word w of an image with ground-truth caption c (the world's caption
/// plays the VLM's descriptive caption p⁺):
///
///     Δ*(w, c) = mean_{t ∈ w's tokens in c} T(h(c))_t − mean_{t ∈ w's tokens in "a {w}"} T(h("a {w}"))_t
///
/// with h the frozen text encoder's last hidden states and T = txt_in∘RMSNorm the generator's
/// own text projection into its width D (``Generators/QwenImageTransformer/textProjection(_:)``):
/// the modulation-space image of what the descriptive caption adds to the neutral word. (FLUX's
/// M is its pooled-text path into y; Qwen-Image has none, part C.4, so T stands in.)
public struct ModAdapterData: Sendable {
    struct Example: Sendable {
        /// `[P, C]` image feature tokens; `[1, T, channels]` packed latents; `[L, E]` caption states.
        var features: Tensor
        var latents: Tensor
        var prompt: Tensor
        var words: [String]
        var spans: [[Range<Int>]]
        /// Δ* per word, `[D]`.
        var targets: [Tensor]
    }

    var examples: [Example]
    /// Neutral feature `[E]` per word.
    var neutral: [String: Tensor]
    var imageShape: PackedImageShape
    public var count: Int { examples.count }

    /// Renders `scenes` and computes everything training needs.
    ///
    /// - Throws: the renderer's, encoder's, codec's, evaluator's and word-alignment errors.
    public static func prepare(
        scenes: [Scene], generator: QwenImageGenerator, prompts: PromptEncoder, evaluator: ImageEvaluator, neutralTemplate: String
    ) throws -> ModAdapterData {
        let size = evaluator.configuration.imageSize
        let images = try Tensor.concat(scenes.map { try Renderer.render($0, size: size).tensor.reshaped([1, 3, size, size]) }, axis: 0)
        let features = try evaluator.featureTokens(images)
        let grid = try generator.latentSize(width: size, height: size)
        let transformer = generator.transformer
        var neutral: [String: Tensor] = [:]
        var projectedNeutral: [String: Tensor] = [:]
        var examples: [Example] = []
        for (index, scene) in scenes.enumerated() {
            let words = TokenVerseCase.conceptWords(of: scene)
            let encoded = try prompts.encode([scene.caption]).embeddings
            let prompt = encoded.reshaped(Array(encoded.shape.dropFirst()))
            let projected = transformer.textProjection(encoded).reshaped([prompt.shape[0], -1])
            var spans: [[Range<Int>]] = []
            var targets: [Tensor] = []
            for word in words {
                let neutralProjection: Tensor
                if let known = projectedNeutral[word] {
                    neutralProjection = known
                } else {
                    let caption = neutralTemplate.replacingOccurrences(of: "{word}", with: word)
                    let (states, wordSpans) = try NeutralFeatures.states(of: word, in: caption, prompts: prompts)
                    neutral[word] = NeutralFeatures.mean(states, over: wordSpans)
                    neutralProjection = NeutralFeatures.mean(
                        transformer.textProjection(states.expandingDims(at: 0)).reshaped([states.shape[0], -1]), over: wordSpans)
                    projectedNeutral[word] = neutralProjection
                }
                let wordSpans = try PromptWords.spans(of: word, in: scene.caption, template: prompts.template, tokenize: prompts.encoder.tokenize)
                spans.append(wordSpans)
                targets.append(NeutralFeatures.mean(projected, over: wordSpans) - neutralProjection)
            }
            let image = images.slice(axis: 0, index..<(index + 1)) * 2 - 1
            examples.append(Example(
                features: features.slice(axis: 0, index..<(index + 1)).reshaped(Array(features.shape.dropFirst())),
                latents: try LatentPacking.pack(generator.codec.encode(image)), prompt: prompt, words: words, spans: spans,
                targets: targets))
        }
        return ModAdapterData(
            examples: examples, neutral: neutral, imageShape: PackedImageShape(height: grid.height / 2, width: grid.width / 2))
    }

    /// `count` training scenes: the world's objects no reserved concept is, drawn with replacement,
    /// on drawn backgrounds, centred (as the evaluation's concept images are).
    public static func scenes(world: World, count: Int, seed: UInt64) -> [Scene] {
        let reserved = Set(world.splits.reservedConcepts)
        let objects = ObjectDescription.all.filter { !reserved.contains($0) }
        var random = RandomGenerator(seed: seed)
        return (0..<count).map { _ in
            Scene(
                object: objects[random.nextInt(in: 0..<objects.count)],
                background: Background.allCases[random.nextInt(in: 0..<Background.allCases.count)])
        }
    }
}
