import Foundation
import Generators
import ModelIO
import Tensors
import Training

/// TokenVerse's training loss (Garibi et al. 2025, arXiv 2501.12224, §3–4) on a frozen Qwen-Image
/// transformer, as a ``Training/TrainingObjective`` whose parameters are the concept words'
/// offsets: per word w, Δ_w `[D]` (`delta.{w}`) and, per block, Δ_{w,ℓ} `[layers, D]`
/// (`block_delta.{w}`). For step s, with draws seeded by (seed, s):
///
///     L_diff = mean (v̂(x_σ, σ, caption; Δ on w's tokens) − (ε − x₀))²   x₀ = the concept image
///     with probability p_iso, pick an isolation pair k:
///     L_iso  = mean over the base half's tokens of (v̂(y_σ, σ', merged; Δ on the left caption's w)
///                                                   − v̂(y_σ, σ', merged; no Δ))²
///     loss   = L_diff + λ·L_iso
///
/// y₀ = [concept | base image] side by side and "merged" the two captions in TokenVerse's template,
/// so Δ may change the concept's half but not the base image's: the concept-isolation loss. The
/// second v̂ is the base model's (no tape). σ and ε come from ``Training/RectifiedFlowOptions``
/// (uniform σ by default; TokenVerse's two-stage high-σ schedule and its augmentations are not
/// used).
final class TokenVerseObjective: TrainingObjective {
    let transformer: QwenImageTransformer
    let data: TokenVerseData
    let options: RectifiedFlowOptions
    let perBlock: Bool
    /// p_iso and λ.
    let isolationProbability: Float
    let isolationWeight: Float
    let fingerprint: String

    init(
        transformer: QwenImageTransformer, data: TokenVerseData, options: RectifiedFlowOptions, perBlock: Bool,
        isolationProbability: Float, isolationWeight: Float, baseFingerprint: String
    ) {
        self.transformer = transformer
        self.data = data
        self.options = options
        self.perBlock = perBlock
        self.isolationProbability = isolationProbability
        self.isolationWeight = isolationWeight
        var hasher = SHA256()
        hasher.update("mokus-tokenverse-objective/1\n\(baseFingerprint)\nblock \(perBlock) p \(isolationProbability) λ \(isolationWeight)\n")
        hasher.update("\(options)\n\(data.spans)\n\(data.isolation.map(\.spans))\n")
        for tensor in [data.latents, data.prompt] + data.isolation.flatMap({ [$0.latents, $0.prompt] }) {
            tensor.withUnsafeBufferPointer { hasher.update(UnsafeRawBufferPointer($0)) }
        }
        fingerprint = hasher.finalize()
    }

    /// One example: the concept image (batches repeat it).
    var exampleCount: Int { 1 }

    /// Zero offsets, named `delta.{i}` (and `block_delta.{i}`) for word i.
    var initialParameters: [NamedParameter] {
        let c = transformer.configuration
        return data.spans.indices.flatMap { index in
            [NamedParameter("delta.\(index)", .zeros([c.innerDim]))]
                + (perBlock ? [NamedParameter("block_delta.\(index)", .zeros([c.layerCount, c.innerDim]))] : [])
        }
    }

    func loss(parameters: [Tensor], examples: [Int]) throws -> TrainingLoss {
        try loss(parameters: parameters, examples: examples, step: 0)
    }

    func loss(parameters: [Tensor], examples: [Int], step: Int) throws -> TrainingLoss {
        let c = transformer.configuration
        let batch = examples.count
        let draws = RectifiedFlowStep.draws(
            options: options, count: batch, tokens: data.imageShape.tokenCount, channels: c.inChannels, step: step)
        let clean = data.latents.indexSelect(axis: 0, Array(repeating: 0, count: batch))
        let modulation = placements(parameters, spans: data.spans).modulation(
            batch: batch, textLength: data.prompt.shape[0], width: c.innerDim, layers: c.layerCount)
        var value = try RectifiedFlowStep.squaredErrors(
            model: transformer, clean: clean, imageShape: data.imageShape,
            prompts: Array(repeating: data.prompt, count: batch), sigmas: draws.sigmas, noise: draws.noise,
            modulation: modulation
        ).mean()
        var items = batch
        var random = RandomGenerator(seed: (options.seed ^ 0x150_1A7E) &+ UInt64(step) &* 0xD1B5_4A32_D192_ED03)
        if !data.isolation.isEmpty, random.nextUnitFloat() < isolationProbability {
            let pair = data.isolation[random.nextInt(in: 0..<data.isolation.count)]
            value = value + (try isolationLoss(parameters, pair: pair, random: &random)) * isolationWeight
            items += 1
        }
        return TrainingLoss(value: value, itemCount: items)
    }

    /// L_iso on one pair: the base half's velocity with Δ against the base model's.
    private func isolationLoss(_ parameters: [Tensor], pair: TokenVerseData.IsolationPair, random: inout RandomGenerator) throws -> Tensor {
        let c = transformer.configuration
        let sigma = options.timestepSampling.sigma(&random, trainTimesteps: options.trainTimesteps)
        let noisy = pair.latents * (1 - sigma) + random.normal(pair.latents.shape) * sigma
        let (text, timestep) = (pair.prompt.expandingDims(at: 0), Tensor(shape: [1], scalars: [sigma]))
        let modulation = placements(parameters, spans: pair.spans).modulation(
            batch: 1, textLength: pair.prompt.shape[0], width: c.innerDim, layers: c.layerCount)
        let shifted = try transformer.velocity(
            latents: noisy, imageShapes: [data.isolationShape], text: text, timestep: timestep, modulation: modulation)
        let base = try transformer.velocity(latents: noisy, imageShapes: [data.isolationShape], text: text, timestep: timestep)
        let tokens = data.baseHalfTokens
        return (shifted.indexSelect(axis: 1, tokens) - base.indexSelect(axis: 1, tokens)).squared().mean()
    }

    /// The parameters (in ``initialParameters`` order) placed on the words' spans.
    private func placements(_ parameters: [Tensor], spans: [[Range<Int>]]) -> PromptModulation {
        let stride = perBlock ? 2 : 1
        return PromptModulation(placements: spans.enumerated().map { index, wordSpans in
            PromptModulation.Placement(
                delta: parameters[index * stride], blockDeltas: perBlock ? parameters[index * stride + 1] : nil,
                spans: wordSpans)
        })
    }
}
