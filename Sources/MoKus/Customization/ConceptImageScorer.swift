import Evaluator
import Foundation
import Tensors

/// Reads the attributes a prompt asks for and the attributes an image shows (the reports of
/// `customize`, `create-concept` and `erase`).
public protocol ImageAttributeReader {
    /// The attribute → class pairs that `text` (a prompt, or a prompt with its phrase left out, e.g.
    /// "{} on a teal background") asks for; empty when it names none the reader knows.
    func requestedAttributes(_ text: String) -> [String: String]
    /// Per image of `images` (`[B, 3, H, W]` in [0, 1]), the predicted class of every attribute.
    func predictedAttributes(_ images: Tensor) throws -> [[String: String]]
}

extension ImageAttributeReader {
    /// Per image, whether it shows every pair of `attributes`.
    public func showsAttributes(_ images: Tensor, _ attributes: [String: String]) throws -> [Bool] {
        try predictedAttributes(images).map { predicted in attributes.allSatisfy { predicted[$0.key] == $0.value } }
    }
}

/// Reads the images a customisation draws, for its report: attributes, and likeness to the concept images.
public protocol ConceptImageScorer: ImageAttributeReader {
    /// Per image of `images` (`[B, 3, H, W]` in [0, 1]), how much it looks like the concept images:
    /// a similarity in [−1, 1].
    func similarity(_ images: Tensor) throws -> [Double]
}

/// The tiny world's attribute reader (docs/evaluator.md): a requested attribute is a word of the
/// text that is a class name of exactly one attribute of the evaluator's schema ("teal" →
/// background, "small" → size; words of several attributes, or of none, are ignored); the
/// predicted class is the evaluator's argmax.
public struct EvaluatorAttributeReader: ImageAttributeReader {
    public let evaluator: ImageEvaluator

    public init(evaluator: ImageEvaluator) { self.evaluator = evaluator }

    public func requestedAttributes(_ text: String) -> [String: String] {
        let words = text.lowercased().split { !$0.isLetter }.map(String.init)
        var requested: [String: String] = [:]
        for word in words {
            let owners = evaluator.schema.attributes.filter { $0.classes.contains(word) }
            if owners.count == 1 { requested[owners[0].name] = word }
        }
        return requested
    }

    public func predictedAttributes(_ images: Tensor) throws -> [[String: String]] {
        try evaluator.predict(images).map { prediction in
            Dictionary(uniqueKeysWithValues: prediction.attributes.map { ($0.attribute, $0.className) })
        }
    }
}

/// The tiny world's scorer: attributes as ``EvaluatorAttributeReader``; similarity is DreamBooth's
/// CLIP-I with the evaluator's embedding, ⟨eᵢ, r̄⟩ with r̄ = (1/m) Σⱼ rⱼ the mean unit embedding of
/// the m concept images (the mean of the m cosine similarities; `mokus world score --reference`).
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

    public func requestedAttributes(_ text: String) -> [String: String] {
        EvaluatorAttributeReader(evaluator: evaluator).requestedAttributes(text)
    }

    public func predictedAttributes(_ images: Tensor) throws -> [[String: String]] {
        try EvaluatorAttributeReader(evaluator: evaluator).predictedAttributes(images)
    }
}
