import Evaluator
import Foundation
import Tensors

/// Reads the images a customisation draws, for its report.
public protocol ConceptImageScorer {
    /// Per image of `images` (`[B, 3, H, W]` in [0, 1]), how much it looks like the concept images:
    /// a similarity in [−1, 1].
    func similarity(_ images: Tensor) throws -> [Double]
    /// The attribute → class pairs that `context` (a prompt with its phrase left out, e.g.
    /// "{} on a grey background") asks for; empty when it names none the scorer reads.
    func requestedAttributes(_ context: String) -> [String: String]
    /// Per image, whether it shows every pair of ``requestedAttributes(_:)``.
    func showsAttributes(_ images: Tensor, _ attributes: [String: String]) throws -> [Bool]
}

/// The tiny world's scorer (docs/evaluator.md): similarity is DreamBooth's CLIP-I with the
/// evaluator's embedding, ⟨eᵢ, r̄⟩ with r̄ = (1/m) Σⱼ rⱼ the mean unit embedding of the m concept
/// images (the mean of the m cosine similarities; `mokus world score --reference`), and a context
/// attribute is right when the evaluator's predicted class is the requested one.
public struct EvaluatorConceptScorer: ConceptImageScorer {
    public let evaluator: ImageEvaluator
    /// r̄, `[D]`.
    let reference: Tensor

    /// - Parameter conceptImages: `[M, 3, S, S]` in [0, 1] at the evaluator's size S.
    /// - Throws: ``Evaluator/EvaluatorError/wrongImageShape(expected:found:)`` for images of another size.
    public init(evaluator: ImageEvaluator, conceptImages: Tensor) throws {
        self.evaluator = evaluator
        reference = try evaluator.embeddings(conceptImages).mean(axes: [0])
    }

    public func similarity(_ images: Tensor) throws -> [Double] {
        let embeddings = try evaluator.embeddings(images)
        let d = reference.count
        return (embeddings * reference.reshaped([1, d])).sum(axes: [1]).scalars.map(Double.init)
    }

    /// Every word of `context` that is a class name of exactly one attribute of the evaluator's
    /// schema ("grey" → background, "small" → size); words of several attributes, or of none, are
    /// ignored.
    public func requestedAttributes(_ context: String) -> [String: String] {
        let words = context.lowercased().split { !$0.isLetter }.map(String.init)
        var requested: [String: String] = [:]
        for word in words {
            let owners = evaluator.schema.attributes.filter { $0.classes.contains(word) }
            if owners.count == 1 { requested[owners[0].name] = word }
        }
        return requested
    }

    public func showsAttributes(_ images: Tensor, _ attributes: [String: String]) throws -> [Bool] {
        try evaluator.predict(images).map { prediction in
            attributes.allSatisfy { prediction[attribute: $0.key]?.className == $0.value }
        }
    }
}
