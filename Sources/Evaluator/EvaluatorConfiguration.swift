// The evaluator's architecture sizes and attribute schema: the contents of `config.json`.

/// What an evaluator recognises (its ``AttributeSchema``) and the sizes of its network.
///
/// The network is a stack of 3×3 (``kernelSize``) convolutions with "same" padding, one per entry
/// of ``channels`` with the stride of the matching entry of ``strides``, each followed by ReLU;
/// then the global average over positions, a LayerNorm, and one linear head per attribute. The
/// feature dimension D is `channels.last`.
///
/// JSON keys (snake case): `model_type` (always `"mokus-image-evaluator"`), `schema`,
/// `image_size`, `channels`, `strides`, `kernel_size`, `layer_norm_eps`.
public struct EvaluatorConfiguration: Codable, Sendable, Equatable {
    /// The value of `model_type` in `config.json`.
    public static let modelType = "mokus-image-evaluator"

    public let schema: AttributeSchema
    /// Images are `[B, 3, imageSize, imageSize]`.
    public let imageSize: Int
    /// Output channels of each convolution.
    public let channels: [Int]
    /// Stride of each convolution (same count as ``channels``).
    public let strides: [Int]
    /// Odd kernel extent k of every convolution (padding (k − 1)/2).
    public let kernelSize: Int
    /// ε of the LayerNorm on the pooled feature.
    public let layerNormEpsilon: Float

    /// - Throws: ``EvaluatorError/invalidConfiguration(field:expected:found:)``.
    public init(
        schema: AttributeSchema, imageSize: Int, channels: [Int], strides: [Int], kernelSize: Int = 3,
        layerNormEpsilon: Float = 1e-5
    ) throws {
        self.schema = schema
        self.imageSize = imageSize
        self.channels = channels
        self.strides = strides
        self.kernelSize = kernelSize
        self.layerNormEpsilon = layerNormEpsilon
        try validate()
    }

    /// The evaluator of the tiny world: 32×32 images, four convolutions of 32–64 channels (one at
    /// full resolution, three halving it), D = 64.
    /// - Throws: ``EvaluatorError/invalidConfiguration(field:expected:found:)`` from the initializer's
    ///   checks (which these sizes pass).
    public static func standard(schema: AttributeSchema) throws -> EvaluatorConfiguration {
        try EvaluatorConfiguration(schema: schema, imageSize: 32, channels: [32, 64, 64, 64], strides: [1, 2, 2, 2])
    }

    /// D, the dimension of features and embeddings.
    public var featureDimension: Int { channels[channels.count - 1] }

    /// Spatial extent after each convolution: ⌊(n + 2p − k)/s⌋ + 1 with p = (k − 1)/2.
    public var spatialSizes: [Int] {
        var size = imageSize
        return strides.map { stride in
            size = (size + 2 * ((kernelSize - 1) / 2) - kernelSize) / stride + 1
            return size
        }
    }

    /// The shape of an image batch of `batch` images.
    public func imageShape(batch: Int) -> [Int] { [batch, 3, imageSize, imageSize] }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case modelType = "model_type"
        case schema
        case imageSize = "image_size"
        case channels, strides
        case kernelSize = "kernel_size"
        case layerNormEpsilon = "layer_norm_eps"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .modelType)
        guard type == Self.modelType else {
            throw DecodingError.dataCorruptedError(
                forKey: .modelType, in: container, debugDescription: "\"\(Self.modelType)\"")
        }
        schema = try container.decode(AttributeSchema.self, forKey: .schema)
        imageSize = try container.decode(Int.self, forKey: .imageSize)
        channels = try container.decode([Int].self, forKey: .channels)
        strides = try container.decode([Int].self, forKey: .strides)
        kernelSize = try container.decode(Int.self, forKey: .kernelSize)
        layerNormEpsilon = try container.decode(Float.self, forKey: .layerNormEpsilon)
        do {
            try validate()
        } catch let EvaluatorError.invalidConfiguration(field, expected, _) {
            let key = CodingKeys.allCases.first { $0.stringValue == field } ?? .channels
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: expected)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.modelType, forKey: .modelType)
        try container.encode(schema, forKey: .schema)
        try container.encode(imageSize, forKey: .imageSize)
        try container.encode(channels, forKey: .channels)
        try container.encode(strides, forKey: .strides)
        try container.encode(kernelSize, forKey: .kernelSize)
        try container.encode(layerNormEpsilon, forKey: .layerNormEpsilon)
    }

    private func validate() throws {
        func fail(_ key: CodingKeys, _ expected: String, _ found: Any) -> EvaluatorError {
            .invalidConfiguration(field: key.stringValue, expected: expected, found: "\(found)")
        }
        guard imageSize >= 1 else { throw fail(.imageSize, "a positive size", imageSize) }
        guard !channels.isEmpty, channels.allSatisfy({ $0 >= 1 }) else {
            throw fail(.channels, "a non-empty list of positive channel counts", channels)
        }
        guard strides.count == channels.count, strides.allSatisfy({ $0 >= 1 }) else {
            throw fail(.strides, "\(channels.count) positive strides (one per convolution)", strides)
        }
        guard kernelSize >= 1, kernelSize % 2 == 1 else { throw fail(.kernelSize, "an odd positive size", kernelSize) }
        guard layerNormEpsilon > 0, layerNormEpsilon.isFinite else {
            throw fail(.layerNormEpsilon, "a positive finite number", layerNormEpsilon)
        }
        guard spatialSizes.allSatisfy({ $0 >= 1 }) else {
            throw fail(.strides, "strides that leave at least one position for \(imageSize)×\(imageSize) images",
                       strides)
        }
    }
}
