import Evaluator
import Tensors

/// The benchmark's four scores of a batch of generated images against one concept, from the
/// world's image evaluator (docs/evaluator.md) in the roles of the paper's CLIP models:
///
/// - *image similarity* (CLIP-I): ⟨eᵢ, r̄⟩, r̄ the mean unit embedding of the concept images
///   (``EvaluatorConceptScorer``);
/// - *segmented similarity* (CLIP-I-Seg): the same with every image's background replaced by grey
///   (``Evaluator/ImageEvaluator/maskedEmbeddings(_:masks:)``): the concept images through their exact
///   masks when the suite has them, generated images through ``segment(_:)``;
/// - *text alignment* (CLIP-T): A(x, C) = (1/|C|) Σ p_a(c | x) over the prompt's expected attributes;
/// - *attribute accuracy*: 1 when the evaluator predicts every attribute the prompt changes, else 0.
struct KnowCusScorer {
    let evaluator: ImageEvaluator
    let plain: EvaluatorConceptScorer
    /// r̄ of the masked concept images, `[D]`.
    let segmentedReference: Tensor

    /// A pixel belongs to the object when one of its channels differs from the background colour
    /// by more than this (in [0, 1] units).
    static let segmentationThreshold: Float = 0.12

    /// - Parameter concept: images `[M, 3, S, S]` in [0, 1] at the evaluator's size, masks `[M, 1, S, S]` or nil.
    /// - Throws: the evaluator's shape errors.
    init(evaluator: ImageEvaluator, concept: Tensor, masks: Tensor?) throws {
        self.evaluator = evaluator
        plain = try EvaluatorConceptScorer(evaluator: evaluator, conceptImages: concept)
        segmentedReference = try evaluator.maskedEmbeddings(concept, masks: masks ?? Self.segment(concept)).mean(axes: [0])
    }

    /// Per image of `images` (`[B, 3, S, S]` in [0, 1]) the four scores for `prompt`.
    func scores(_ images: Tensor, prompt: KnowCusPrompt) throws -> KnowCusScores {
        let d = segmentedReference.count
        let masked = try evaluator.maskedEmbeddings(images, masks: Self.segment(images))
        let segmented = (masked * segmentedReference.reshaped([1, d])).sum(axes: [1]).scalars.map(Double.init)
        let alignment = prompt.expected.isEmpty
            ? nil : try evaluator.alignment(attributes: prompt.expected, images: images).map(Double.init)
        let correct = prompt.requested.isEmpty
            ? nil : try plain.showsAttributes(images, prompt.requested).map { $0 ? 1.0 : 0.0 }
        return KnowCusScores(
            similarity: try plain.similarity(images), segmentedSimilarity: segmented, alignment: alignment,
            attributeAccuracy: correct)
    }

    /// Object masks `[B, 1, H, W]` of images `[B, 3, H, W]` in [0, 1] on a flat background (the
    /// world's): the background colour is the per-channel median of the border pixels, and a pixel
    /// is object (1) when some channel differs from it by more than ``segmentationThreshold``.
    ///
    /// - Complexity: O(B · H · W).
    static func segment(_ images: Tensor) -> Tensor {
        let (b, h, w) = (images.shape[0], images.shape[2], images.shape[3])
        let plane = h * w
        let values = images.scalars
        var masks = [Float](repeating: 0, count: b * plane)
        let border = (0..<plane).filter { p in p / w == 0 || p / w == h - 1 || p % w == 0 || p % w == w - 1 }
        for i in 0..<b {
            let background = (0..<3).map { channel -> Float in
                let base = (i * 3 + channel) * plane
                let sorted = border.map { values[base + $0] }.sorted()
                return sorted[sorted.count / 2]
            }
            for p in 0..<plane {
                let far = (0..<3).contains { abs(values[(i * 3 + $0) * plane + p] - background[$0]) > segmentationThreshold }
                masks[i * plane + p] = far ? 1 : 0
            }
        }
        return Tensor(shape: [b, 1, h, w], scalars: masks)
    }
}

/// Scores per image (one per seed); nil where the prompt does not define the score.
struct KnowCusScores {
    var similarity: [Double]
    var segmentedSimilarity: [Double]
    var alignment: [Double]?
    var attributeAccuracy: [Double]?
}
