import Evaluator
import Generators
import Tensors

extension ModAdapter {
    /// Tuning-free inference: the Δ of every word of `words` from one concept image, in one forward
    /// pass of the frozen image encoder and the adapter.
    ///
    /// - Parameters:
    ///   - image: `[1, 3, S, S]` in [0, 1] (the evaluator's size).
    ///   - caption: recorded in the result (the prompt the concepts are for).
    /// - Throws: the evaluator's image errors, the encoder's and ``PersonalizationError/wordNotAligned(word:prompt:)``.
    public func concepts(
        image: Tensor, words: [String], caption: String, evaluator: ImageEvaluator, prompts: PromptEncoder
    ) throws -> ConceptModulationSet {
        let tokens = try evaluator.featureTokens(image)
        let features = tokens.reshaped(Array(tokens.shape.dropFirst()))
        let neutral = try words.map { word in
            (word, try NeutralFeatures.feature(of: word, template: neutralTemplate, prompts: prompts))
        }
        return concepts(features: features, words: neutral, caption: caption)
    }
}
