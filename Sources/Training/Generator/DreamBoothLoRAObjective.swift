import Foundation
import Generators
import ModelIO
import Tensors

/// What DreamBooth-LoRA trains on: cached latents of the concept images and their prompt, and
/// optionally the class images' latents and prompt for prior preservation.
public struct ConceptTrainingData: @unchecked Sendable {
    /// The concept ("instance") images as clean packed latents `[N, tokens, channels]`: encoded
    /// once by the generator's codec and packed 2×2 (diffusers' `--cache_latents`).
    public var instanceLatents: Tensor
    /// The instance prompt's final-norm states `[L, width]` ("sks star").
    public var instancePrompt: Tensor
    /// Class images as packed latents `[M, tokens, channels]` (prior preservation), or nil.
    public var classLatents: Tensor?
    /// The class prompt's states `[L', width]` ("star"); required with ``classLatents``.
    public var classPrompt: Tensor?
    /// The latent grid every image packs to.
    public var imageShape: PackedImageShape

    public init(
        instanceLatents: Tensor, instancePrompt: Tensor, classLatents: Tensor? = nil, classPrompt: Tensor? = nil,
        imageShape: PackedImageShape
    ) {
        self.instanceLatents = instanceLatents
        self.instancePrompt = instancePrompt
        self.classLatents = classLatents
        self.classPrompt = classPrompt
        self.imageShape = imageShape
    }
}

/// DreamBooth-LoRA on a frozen Qwen-Image transformer, as a ``TrainingObjective`` whose parameters
/// are the LoRA factors (diffusers `examples/dreambooth/train_dreambooth_lora_qwen_image.py`):
/// for step s, with draws seeded by (seed, s) (``RectifiedFlowOptions``, whose `promptDropout` must
/// be 0: the script never drops prompts),
///
///     example i → instance latents x₀ = X[i mod N] with the instance prompt;
///                 with prior preservation also class latents X_c[i mod M] with the class prompt
///     loss = mean over instance examples of errorᵢ + w · mean over class examples of errorᵢ
///
/// with errorᵢ the mean squared rectified-flow velocity error of ``RectifiedFlowStep`` (σ from
/// ``TimestepSampling``, unshifted; weight 1, the script's "none" scheme). The dataset length is
/// max(N, M), as the script's `DreamBoothDataset`. The transformer's own ``QwenImageTransformer/lora``
/// is set to the step's factors during ``loss(parameters:examples:step:)``.
public final class DreamBoothLoRAObjective: TrainingObjective {
    /// The frozen base model (its ``QwenImageTransformer/lora`` is replaced at each step).
    public let transformer: QwenImageTransformer
    /// The adapters' layout (modules, ranks, α); their factors are the parameters.
    public let adapters: LoRAOverlay
    public let data: ConceptTrainingData
    public let options: RectifiedFlowOptions
    /// w, diffusers' `--prior_loss_weight`.
    public let priorLossWeight: Float
    public let fingerprint: String

    /// - Parameter baseFingerprint: identifies the base transformer's weights (e.g.
    ///   ``ComponentWeights/fingerprint``); part of ``fingerprint``, so a checkpoint made on another
    ///   generator is never resumed.
    /// - Throws: ``TrainingError/emptyDataset(reason:)`` for no instance latents;
    ///   ``TrainingError/invalidConfiguration(key:reason:)`` when latents, prompts or options do not
    ///   fit the transformer (naming what differs), or class latents come without a class prompt.
    public init(
        transformer: QwenImageTransformer, adapters: LoRAOverlay, data: ConceptTrainingData,
        options: RectifiedFlowOptions, priorLossWeight: Float = 1, baseFingerprint: String
    ) throws {
        func invalid(_ key: String, _ reason: String) -> TrainingError {
            .invalidConfiguration(key: key, reason: reason)
        }
        let c = transformer.configuration
        let expected = [data.imageShape.tokenCount, c.inChannels]
        for (name, latents) in [("instanceLatents", data.instanceLatents), ("classLatents", data.classLatents)] {
            guard let latents else { continue }
            guard latents.rank == 3, latents.shape[0] > 0 else {
                throw TrainingError.emptyDataset(
                    reason: "\(name): expected [N ≥ 1, tokens, channels], found \(latents.shape)")
            }
            guard Array(latents.shape.dropFirst()) == expected else {
                throw invalid(name, "expected [N, \(expected[0]), \(expected[1])], found \(latents.shape)")
            }
        }
        guard (data.classLatents == nil) == (data.classPrompt == nil) else {
            throw invalid("classPrompt", "class latents and a class prompt go together (prior preservation)")
        }
        for (name, prompt) in [("instancePrompt", data.instancePrompt), ("classPrompt", data.classPrompt)] {
            if let prompt, prompt.rank != 2 || prompt.shape[0] < 1 || prompt.shape[1] != c.jointAttentionDim {
                throw invalid(name, "expected [L ≥ 1, \(c.jointAttentionDim)], found \(prompt.shape)")
            }
        }
        guard options.promptDropout == 0, options.trainTimesteps > 0 else {
            throw invalid(
                "options",
                "expected promptDropout 0 (DreamBooth drops no prompts) and trainTimesteps > 0, found "
                    + "\(options.promptDropout) and \(options.trainTimesteps)")
        }
        guard priorLossWeight.isFinite, priorLossWeight >= 0 else {
            throw invalid("priorLossWeight", "expected a finite value ≥ 0, found \(priorLossWeight)")
        }
        self.transformer = transformer
        self.adapters = adapters
        self.data = data
        self.options = options
        self.priorLossWeight = priorLossWeight
        fingerprint = Self.fingerprint(
            baseFingerprint: baseFingerprint, adapters: adapters, data: data, options: options,
            priorLossWeight: priorLossWeight)
    }

    public var exampleCount: Int { max(data.instanceLatents.shape[0], data.classLatents?.shape[0] ?? 0) }

    /// The adapters' initial factors, named as in the LoRA file without the `transformer.` prefix.
    public var initialParameters: [NamedParameter] {
        zip(adapters.parameterNames, adapters.parameters).map { NamedParameter($0, $1) }
    }

    public func loss(parameters: [Tensor], examples: [Int]) throws -> TrainingLoss {
        try loss(parameters: parameters, examples: examples, step: 0)
    }

    public func loss(parameters: [Tensor], examples: [Int], step: Int) throws -> TrainingLoss {
        var lora = adapters
        lora.setParameters(parameters)
        transformer.lora = lora
        defer { transformer.lora = nil }
        let instances = data.instanceLatents.shape[0]
        var clean = data.instanceLatents.indexSelect(axis: 0, examples.map { $0 % instances })
        var prompts = Array(repeating: data.instancePrompt, count: examples.count)
        if let classLatents = data.classLatents, let classPrompt = data.classPrompt {
            let classes = classLatents.shape[0]
            clean = Tensor.concat([clean, classLatents.indexSelect(axis: 0, examples.map { $0 % classes })], axis: 0)
            prompts += Array(repeating: classPrompt, count: examples.count)
        }
        let draws = RectifiedFlowStep.draws(
            options: options, count: clean.shape[0], tokens: data.imageShape.tokenCount,
            channels: transformer.configuration.inChannels, step: step)
        let errors = try RectifiedFlowStep.squaredErrors(
            model: transformer, clean: clean, imageShape: data.imageShape, prompts: prompts, sigmas: draws.sigmas,
            noise: draws.noise)
        var value = errors.slice(axis: 0, 0..<examples.count).mean()
        if data.classLatents != nil {
            value = value + errors.slice(axis: 0, examples.count..<(2 * examples.count)).mean() * priorLossWeight
        }
        return TrainingLoss(value: value, itemCount: clean.shape[0])
    }

    /// SHA-256 of the base weights' identity, the adapters' layout and α, the options, w and the data.
    static func fingerprint(
        baseFingerprint: String, adapters: LoRAOverlay, data: ConceptTrainingData, options: RectifiedFlowOptions,
        priorLossWeight: Float
    ) -> String {
        var hasher = SHA256()
        hasher.update("mokus-dreambooth-lora-objective/1\n\(baseFingerprint)\n")
        for name in adapters.moduleNames {
            guard let adapter = adapters.adapters[name] else { continue }
            hasher.update("\(name) r\(adapter.rank) α\(adapter.alpha) rs\(adapter.rankStabilized)\n")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        hasher.update((try? encoder.encode(options)) ?? Data())
        hasher.update("\nw \(priorLossWeight) grid \(data.imageShape)")
        let tensors = [data.instanceLatents, data.instancePrompt, data.classLatents, data.classPrompt].compactMap { $0 }
        for tensor in tensors {
            hasher.update("\n\(tensor.shape)")
            tensor.withUnsafeBufferPointer { hasher.update(UnsafeRawBufferPointer($0)) }
        }
        return hasher.finalize()
    }
}
