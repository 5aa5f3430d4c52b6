import Tensors

// The trained evaluator: per-attribute classification, image embeddings, text–image alignment
// and accuracy for batches of rendered or generated images.

/// A small convolutional image model that reads the attributes of synthetic-world images.
///
/// Scores (all computed without a tape, in batches of ``inferenceBatchSize``):
/// - **Classification** (``predict(_:)``): per attribute, pₐ = softmax(zₐ) over its classes and
///   the argmax class.
/// - **Embedding** (``embeddings(_:)``): e = f/‖f‖₂, the L2-normalised LayerNorm-ed feature, so
///   that the cosine similarity of two images (``similarity(_:_:)``) is ⟨e₁, e₂⟩ ∈ [−1, 1] — the
///   role CLIP-I/DINO scores play for real images.
/// - **Masked embedding** (``maskedEmbeddings(_:masks:)``): the embedding of m ⊙ x + (1 − m)·½,
///   the image with its background replaced by neutral grey (the CLIP-I-Seg role).
/// - **Alignment** (``alignment(attributes:images:)``): for a caption given as a partial attribute
///   assignment C = {(a, c)}, A(x, C) = (1/|C|) Σ_{(a,c)∈C} pₐ(c | x) ∈ [0, 1].
///
/// Images are `[B, 3, S, S]` tensors with values in [0, 1] and S the configured image size.
public struct ImageEvaluator: Sendable {
    /// Images are scored this many at a time (bounds the activations' memory).
    public static let inferenceBatchSize = 128

    public let configuration: EvaluatorConfiguration
    /// The parameters in the network's ``EvaluatorNetwork/parameterShapes`` order (names in its documentation).
    let parameters: [Tensor]
    let network: EvaluatorNetwork

    /// A new, untrained evaluator with seeded initial parameters.
    public init(configuration: EvaluatorConfiguration, seed: UInt64) {
        let network = EvaluatorNetwork(configuration: configuration)
        self.init(configuration: configuration, parameters: network.initialParameters(seed: seed))
    }

    init(configuration: EvaluatorConfiguration, parameters: [Tensor]) {
        self.configuration = configuration
        self.parameters = parameters
        network = EvaluatorNetwork(configuration: configuration)
    }

    public var schema: AttributeSchema { configuration.schema }

    /// Number of scalar parameters.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// Classification and embedding of every image.
    ///
    /// - Throws: ``EvaluatorError/wrongImageShape(expected:found:)``, ``EvaluatorError/nonFiniteImage(index:)``.
    public func predict(_ images: Tensor) throws -> [ImagePrediction] {
        try validate(images)
        var predictions: [ImagePrediction] = []
        for chunk in chunks(of: images) {
            let features = network.features(chunk, parameters)
            let embeddings = features.l2Normalized(axis: 1).scalars
            let probabilities = network.logits(features: features, parameters).map { $0.softmax(axis: 1).scalars }
            let d = configuration.featureDimension
            for i in 0..<chunk.shape[0] {
                let attributes = schema.attributes.enumerated().map { a, attribute in
                    let k = attribute.classes.count
                    let row = Array(probabilities[a][(i * k)..<((i + 1) * k)])
                    let best = row.indices.max { row[$0] < row[$1] } ?? 0
                    return AttributePrediction(
                        attribute: attribute.name, classIndex: best, className: attribute.classes[best],
                        probabilities: row)
                }
                predictions.append(ImagePrediction(attributes: attributes, embedding: Array(embeddings[(i * d)..<((i + 1) * d)])))
            }
        }
        return predictions
    }

    /// `[B, D]` unit-length embeddings e = f/‖f‖₂.
    ///
    /// - Throws: as ``predict(_:)``.
    public func embeddings(_ images: Tensor) throws -> Tensor {
        try validate(images)
        return Tensor.concat(chunks(of: images).map { network.features($0, parameters).l2Normalized(axis: 1) }, axis: 0)
    }

    /// The backbone's feature map as tokens: `[B, h·w, D]`, position (y, x) at token y·w + x, the
    /// ReLU-ed output of the last convolution before pooling (Mod-Adapter's image encoder reads it).
    ///
    /// - Throws: as ``predict(_:)``.
    public func featureTokens(_ images: Tensor) throws -> Tensor {
        try validate(images)
        return Tensor.concat(chunks(of: images).map { chunk in
            let map = network.featureMap(chunk, parameters)
            let (b, d) = (map.shape[0], map.shape[1])
            return map.reshaped([b, d, -1]).transposed(1, 2)
        }, axis: 0)
    }

    /// `[B, D]` embeddings of the images with their background replaced by grey:
    /// x' = m ⊙ x + (1 − m)·½ with m the object mask (1 on the object, 0 on the background;
    /// values between blend).
    ///
    /// - Parameter masks: `[B, 1, S, S]` or `[B, S, S]`.
    /// - Throws: as ``predict(_:)``, and ``EvaluatorError/wrongMaskShape(expected:found:)``.
    public func maskedEmbeddings(_ images: Tensor, masks: Tensor) throws -> Tensor {
        try validate(images)
        let (b, s) = (images.shape[0], configuration.imageSize)
        guard masks.shape == [b, 1, s, s] || masks.shape == [b, s, s] else {
            throw EvaluatorError.wrongMaskShape(expected: [b, 1, s, s], found: masks.shape)
        }
        let m = masks.reshaped([b, 1, s, s])
        return try embeddings(m * images + (1 - m) * 0.5)
    }

    /// Cosine similarity ⟨e(aᵢ), e(bᵢ)⟩ of image i of `a` with image i of `b`, in [−1, 1].
    ///
    /// - Throws: as ``predict(_:)``, and ``EvaluatorError/batchSizeMismatch(first:second:)``.
    public func similarity(_ a: Tensor, _ b: Tensor) throws -> [Float] {
        try validate(a)
        try validate(b)
        guard a.shape[0] == b.shape[0] else { throw EvaluatorError.batchSizeMismatch(first: a.shape[0], second: b.shape[0]) }
        return try (embeddings(a) * embeddings(b)).sum(axes: [1]).scalars
    }

    /// The alignment A(x, C) = (1/|C|) Σ_{(a,c)∈C} pₐ(c | x) of every image with one caption C,
    /// given as attribute name → class name (e.g. `["shape": "star", "colour": "red"]`;
    /// unmentioned attributes do not count). 1 means the evaluator is certain of every mentioned
    /// attribute; a caption of K-class attributes scores 1/K on an image the evaluator knows nothing about.
    ///
    /// - Throws: as ``predict(_:)``, and ``EvaluatorError/emptyCaption``,
    ///   ``EvaluatorError/unknownAttribute(name:known:)``, ``EvaluatorError/unknownClass(attribute:name:known:)``.
    public func alignment(attributes caption: [String: String], images: Tensor) throws -> [Float] {
        let resolved = try schema.resolve(caption)
        return try predict(images).map { $0.alignment(with: resolved) }
    }

    /// Fraction of images whose predicted class equals the label, per attribute name.
    ///
    /// - Throws: as ``predict(_:)``, and the label errors of ``LabelledBatch``.
    public func accuracy(images: Tensor, labels: [[Int]]) throws -> [String: Double] {
        let columns = try LabelledBatch(images: images, labels: labels).labelsByAttribute(schema: schema)
        let predictions = try predict(images)
        var result: [String: Double] = [:]
        for (a, attribute) in schema.attributes.enumerated() {
            let correct = zip(predictions, columns[a]).filter { $0.attributes[a].classIndex == $1 }.count
            result[attribute.name] = Double(correct) / Double(Swift.max(1, predictions.count))
        }
        return result
    }

    /// Throws unless `images` is a non-empty `[B, 3, S, S]` batch of finite values.
    func validate(_ images: Tensor) throws {
        let s = configuration.imageSize
        guard images.rank == 4, images.shape[0] >= 1, Array(images.shape.dropFirst()) == [3, s, s] else {
            throw EvaluatorError.wrongImageShape(expected: [-1, 3, s, s], found: images.shape)
        }
        let plane = 3 * s * s
        let firstBad = images.withUnsafeBufferPointer { values -> Int? in
            for i in 0..<values.count where !values[i].isFinite { return i / plane }
            return nil
        }
        if let firstBad { throw EvaluatorError.nonFiniteImage(index: firstBad) }
    }

    /// The batch in consecutive pieces of at most ``inferenceBatchSize`` images.
    private func chunks(of images: Tensor) -> [Tensor] {
        let count = images.shape[0]
        return stride(from: 0, to: count, by: Self.inferenceBatchSize).map { start in
            images.slice(axis: 0, start..<Swift.min(count, start + Self.inferenceBatchSize))
        }
    }
}
