import Foundation
import Generators
import ModelIO
import Tensors

/// Images and their precomputed prompt states: what a generator is trained on.
public struct GeneratorTrainingData: @unchecked Sendable {
    /// `[N, channels, H, W]`, values in [−1, 1] (diffusers' image convention).
    public var images: Tensor
    /// The distinct prompts' final-norm states `[Lᵢ, width]` (template tokens dropped), as
    /// ``PromptEncoder`` makes them.
    public var prompts: [Tensor]
    /// The prompt of each image: an index into ``prompts``.
    public var promptOfImage: [Int]
    /// The empty prompt's states `[L₀, width]`, which prompt dropout substitutes.
    public var emptyPrompt: Tensor

    public init(images: Tensor, prompts: [Tensor], promptOfImage: [Int], emptyPrompt: Tensor) {
        self.images = images
        self.prompts = prompts
        self.promptOfImage = promptOfImage
        self.emptyPrompt = emptyPrompt
    }
}

/// The random draws of a rectified-flow step that are not the noise itself.
public struct RectifiedFlowOptions: Codable, Sendable, Equatable {
    /// How σ is drawn per example.
    public var timestepSampling = TimestepSampling.uniform
    /// Probability that an example's prompt is replaced by the empty prompt (for classifier-free
    /// guidance; the DreamBooth script's caption dropout).
    public var promptDropout: Float = 0.1
    /// T, the number of training noise levels (the scheduler's `num_train_timesteps`).
    public var trainTimesteps = 1000
    /// Seeds every step's draws (mixed with the step number).
    public var seed: UInt64 = 0

    public init() {}
}

/// Rectified-flow (flow-matching) training of a ``QwenImageTransformer`` in pixel space, as a
/// ``TrainingObjective`` (diffusers `train_dreambooth_lora_qwen_image.py` with weighting "none"):
/// for each example of a step, with draws seeded by (seed, step),
///
///     prompt  ← the empty prompt with probability p (prompt dropout), else the image's own
///     σ       ~ ``TimestepSampling``
///     x₀      = pack(codec(image)),  ε ~ N(0, I) of x₀'s shape
///     x_σ     = (1 − σ)·x₀ + σ·ε,    v = ε − x₀
///     loss    = mean over batch and elements of (v̂(x_σ, σ, prompt) − v)²
///
/// x₀ is the image through ``PixelPatchCodec`` (the identity up to folding p×p pixels into
/// channels) and 2×2 latent packing (``LatentPacking``), exactly as ``QwenImageGenerator`` unpacks
/// and decodes at sampling. Prompts of a batch are right-padded and masked as ``PromptEncoder``
/// pads them. Parameters are the transformer's, in ``QwenImageTransformer/parameterShapes(_:)``
/// order.
public final class RectifiedFlowObjective: TrainingObjective {
    public let configuration: QwenImageTransformerConfiguration
    public let codec: PixelPatchCodec
    public let data: GeneratorTrainingData
    public let options: RectifiedFlowOptions
    /// Parameter names in the order the ``Trainer`` passes them.
    public let parameterNames: [String]
    public let fingerprint: String
    /// The packed token grid of every image.
    let imageShape: PackedImageShape

    /// - Throws: ``TrainingError/emptyDataset(reason:)`` for no images;
    ///   ``TrainingError/invalidConfiguration(key:reason:)`` when the images, prompts or options
    ///   do not fit the transformer and codec (naming what differs).
    public init(
        configuration: QwenImageTransformerConfiguration, codec: PixelPatchCodec, data: GeneratorTrainingData,
        options: RectifiedFlowOptions
    ) throws {
        func invalid(_ key: String, _ reason: String) -> TrainingError { .invalidConfiguration(key: key, reason: reason) }
        let shape = data.images.shape
        guard shape.count == 4, shape[0] > 0 else {
            throw TrainingError.emptyDataset(reason: "expected images [N, C, H, W] with N ≥ 1, found \(shape)")
        }
        let multiple = 2 * codec.patchSize
        guard shape[1] == codec.imageChannels, shape[2] % multiple == 0, shape[3] % multiple == 0 else {
            throw invalid(
                "images", "expected [N, \(codec.imageChannels), H, W] with H, W multiples of \(multiple), found \(shape)")
        }
        guard configuration.patchSize == 2, configuration.outChannels == codec.latentChannels,
            configuration.inChannels == 4 * codec.latentChannels
        else {
            throw invalid(
                "transformer",
                "expected patch_size 2, out_channels \(codec.latentChannels), in_channels \(4 * codec.latentChannels) "
                    + "for a pixel codec of patch \(codec.patchSize), found \(configuration.patchSize), "
                    + "\(configuration.outChannels), \(configuration.inChannels)")
        }
        guard data.promptOfImage.count == shape[0], data.promptOfImage.allSatisfy(data.prompts.indices.contains) else {
            throw invalid("promptOfImage", "expected \(shape[0]) indices into \(data.prompts.count) prompts")
        }
        let width = configuration.jointAttentionDim
        for (index, prompt) in (data.prompts + [data.emptyPrompt]).enumerated()
        where prompt.rank != 2 || prompt.shape[0] < 1 || prompt.shape[1] != width {
            let name = index == data.prompts.count ? "the empty prompt" : "prompt \(index)"
            throw invalid("prompts", "\(name): expected [L ≥ 1, \(width)], found \(prompt.shape)")
        }
        guard (0...1).contains(options.promptDropout) else {
            throw invalid("promptDropout", "expected a probability in [0, 1], found \(options.promptDropout)")
        }
        guard options.trainTimesteps > 0 else {
            throw invalid("trainTimesteps", "expected a positive count, found \(options.trainTimesteps)")
        }
        self.configuration = configuration
        self.codec = codec
        self.data = data
        self.options = options
        parameterNames = QwenImageTransformer.parameterShapes(configuration).map(\.0)
        imageShape = PackedImageShape(height: shape[2] / multiple, width: shape[3] / multiple)
        fingerprint = Self.fingerprint(configuration: configuration, codec: codec, data: data, options: options)
    }

    public var exampleCount: Int { data.images.shape[0] }

    /// Fresh parameters (``QwenImageTransformer/initialParameters(_:seed:)``), named for a ``Trainer``.
    public func initialParameters(seed: UInt64) -> [NamedParameter] {
        QwenImageTransformer.initialParameters(configuration, seed: seed).map { NamedParameter($0.name, $0.value) }
    }

    /// The loss with the draws of step 0.
    public func loss(parameters: [Tensor], examples: [Int]) throws -> TrainingLoss {
        try loss(parameters: parameters, examples: examples, step: 0)
    }

    public func loss(parameters: [Tensor], examples: [Int], step: Int) throws -> TrainingLoss {
        let model = try QwenImageTransformer(
            configuration: configuration, parameters: Dictionary(uniqueKeysWithValues: zip(parameterNames, parameters)))
        let draws = self.draws(examples: examples, step: step)
        let clean = try LatentPacking.pack(codec.encode(data.images.indexSelect(axis: 0, examples)))
        let prompts = zip(examples, draws.dropped).map { example, dropped in
            dropped ? data.emptyPrompt : data.prompts[data.promptOfImage[example]]
        }
        let errors = try RectifiedFlowStep.squaredErrors(
            model: model, clean: clean, imageShape: imageShape, prompts: prompts, sigmas: draws.sigmas, noise: draws.noise)
        return TrainingLoss(value: errors.mean(), itemCount: examples.count)
    }

    /// One step's draws, from a generator seeded by (seed, step): per example the dropout decision
    /// and σ, in batch order, then the noise of the whole batch (`[B, tokens, in_channels]`).
    /// Public so that another implementation can reproduce a step (mokus-bench's PyTorch reference).
    public func draws(examples: [Int], step: Int) -> (dropped: [Bool], sigmas: [Float], noise: Tensor) {
        RectifiedFlowStep.draws(
            options: options, count: examples.count, tokens: imageShape.tokenCount, channels: configuration.inChannels,
            step: step)
    }

    /// SHA-256 of the transformer and codec shapes, the options and the data (images, prompt states).
    static func fingerprint(
        configuration c: QwenImageTransformerConfiguration, codec: PixelPatchCodec, data: GeneratorTrainingData,
        options: RectifiedFlowOptions
    ) -> String {
        var hasher = SHA256()
        hasher.update("mokus-rectified-flow-objective/1\n")
        hasher.update(
            "\(c.patchSize) \(c.inChannels) \(c.outChannels) \(c.layerCount) \(c.headDimension) \(c.headCount) "
                + "\(c.jointAttentionDim) \(c.rotaryAxes) codec \(codec.imageChannels) \(codec.patchSize)\n")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        hasher.update((try? encoder.encode(options)) ?? Data())
        for tensor in [data.images, data.emptyPrompt] + data.prompts {
            hasher.update("\n\(tensor.shape)")
            tensor.withUnsafeBufferPointer { hasher.update(UnsafeRawBufferPointer($0)) }
        }
        hasher.update("\n" + data.promptOfImage.map(String.init).joined(separator: " "))
        return hasher.finalize()
    }
}
