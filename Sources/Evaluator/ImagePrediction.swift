// What the evaluator says about one image: per-attribute class probabilities and the embedding.

/// One attribute's prediction for one image.
public struct AttributePrediction: Sendable, Equatable {
    /// The attribute's name.
    public let attribute: String
    /// argmax of ``probabilities`` (the first one on ties).
    public let classIndex: Int
    /// The predicted class's name.
    public let className: String
    /// softmax of the attribute head's logits, one per class in schema order (they sum to 1).
    public let probabilities: [Float]
}

/// The evaluator's reading of one image.
public struct ImagePrediction: Sendable, Equatable {
    /// One prediction per attribute, in schema order.
    public let attributes: [AttributePrediction]
    /// The L2-normalised feature (unit length, D values): the image embedding.
    public let embedding: [Float]

    /// The prediction for the attribute called `name`, if the schema has one.
    public subscript(attribute name: String) -> AttributePrediction? {
        attributes.first { $0.attribute == name }
    }

    /// The alignment of this image with a resolved caption: the mean over the mentioned
    /// attributes of the probability of the mentioned class, in [0, 1] (see
    /// ``ImageEvaluator/alignment(attributes:images:)``); `caption` as ``AttributeSchema/resolve(_:)`` gives it.
    public func alignment(with caption: [(attribute: Int, classIndex: Int)]) -> Float {
        let total = caption.reduce(0) { $0 + attributes[$1.attribute].probabilities[$1.classIndex] }
        return total / Float(caption.count)
    }
}
