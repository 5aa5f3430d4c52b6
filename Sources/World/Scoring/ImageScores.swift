import Evaluator

/// One attribute's predicted class for a scored image.
public struct PredictedClass: Sendable, Equatable {
    public var attribute: String
    public var className: String
    /// The class's softmax probability (the largest of the attribute's).
    public var probability: Float
}

/// The evaluator's reading of one scored image file, and its agreement with the image's caption.
public struct ImageScore: Sendable, Equatable {
    /// The file's name.
    public var file: String
    /// One per attribute, in schema order.
    public var attributes: [PredictedClass]
    /// The caption the image was scored against, if the captions name its file.
    public var caption: ImageCaption?
    /// A(x, C) = (1/|C|) Σ_{(a,c)∈C} pₐ(c | x) for the caption's attributes C, in [0, 1]
    /// (``ImageEvaluator/alignment(attributes:images:)``); nil without a caption.
    public var alignment: Float?
    /// Whether the predicted class of every captioned attribute is the captioned one; nil without a caption.
    public var allCorrect: Bool?
    /// The mean cosine similarity (1/m) Σⱼ ⟨e, rⱼ⟩ of the image's embedding with those of the m
    /// reference images (e.g. the concept images a LoRA learnt), in [−1, 1]; nil without references.
    public var referenceSimilarity: Float? = nil
}

/// Aggregates over a scored folder.
public struct ImageScoreSummary: Sendable, Equatable {
    /// Images scored.
    public var images: Int
    /// Images with a caption.
    public var captioned: Int
    /// Per attribute: among captioned images whose caption names the attribute, the fraction whose
    /// predicted class is the captioned one (the definition of `world eval`'s
    /// `attribute_accuracy`, with captions as labels). Attributes no caption names are left out.
    public var attributeAccuracy: [String: Double]
    /// Fraction of captioned images with every captioned attribute right; nil when none is captioned.
    public var allCorrect: Double?
    /// Mean alignment over captioned images; nil when none is captioned.
    public var meanAlignment: Double?
    /// Mean cosine similarity ⟨eᵢ, eⱼ⟩ of the evaluator's embeddings over all pairs i < j of distinct
    /// images, in [−1, 1]: how alike the images look to the evaluator. Near 1 means the images are
    /// near-copies (a generator that ignores its prompt); a varied set of renders scores much lower.
    /// nil for fewer than two images.
    public var meanPairwiseSimilarity: Double?
    /// The mean of ``ImageScore/referenceSimilarity`` over the images (DreamBooth's CLIP-I with the
    /// evaluator's embedding): how much the images look like the reference images; nil without references.
    public var meanReferenceSimilarity: Double? = nil
}
