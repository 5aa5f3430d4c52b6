import Foundation
import Generators
import ModelIO
import Tensors
import Training

/// Mod-Adapter's predictions for the training examples, from the network's parameters as tape
/// variables (in ``ModAdapterNetwork/parameterShapes`` order): Δ̂(image, w) `[N, D]` per word.
struct ModAdapterPredictor {
    let network: ModAdapterNetwork
    let data: ModAdapterData
    /// The routed expert per vocabulary word (k-means), fixed for training.
    let experts: [String: Int]

    func deltas(_ parameters: [Tensor], example: Int) -> [Tensor] {
        let named = Dictionary(uniqueKeysWithValues: zip(network.parameterShapes.map(\.0), parameters))
        let e = data.examples[example]
        return e.words.map { word in
            guard let neutral = data.neutral[word] else { preconditionFailure("ModAdapterData: no neutral feature of \(word)") }
            return network(named, features: e.features, neutral: neutral, expert: experts[word] ?? 0)
        }
    }

    /// A fingerprint of the stage, the network's configuration and the data (for checkpoints).
    func fingerprint(stage: String, options: String) -> String {
        var hasher = SHA256()
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let configuration = (try? encoder.encode(network.configuration)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        hasher.update("mokus-modadapter-\(stage)/1\n\(configuration)\n\(options)\n\(experts.sorted { $0.key < $1.key })\n")
        for example in data.examples {
            hasher.update("\(example.words) \(example.spans)\n")
            for tensor in [example.features, example.latents, example.prompt] + example.targets {
                tensor.withUnsafeBufferPointer { hasher.update(UnsafeRawBufferPointer($0)) }
            }
        }
        return hasher.finalize()
    }
}

/// Stage 1, Mod-Adapter's VLM-guided pretraining (§3.3) with the world's captions in the VLM's
/// role: for the batch's examples i and their words w,
///
///     L_align = mean_{i, w} (1/N) Σ_b mean_d (Δ̂_b(image_i, w) − Δ*(w, c_i))_d²
///
/// Δ* as in ``ModAdapterData``. No generator forward.
final class ModAdapterAlignmentObjective: TrainingObjective {
    let predictor: ModAdapterPredictor
    let fingerprint: String

    init(predictor: ModAdapterPredictor) {
        self.predictor = predictor
        fingerprint = predictor.fingerprint(stage: "pretrain", options: "")
    }

    var exampleCount: Int { predictor.data.count }

    func loss(parameters: [Tensor], examples: [Int]) throws -> TrainingLoss {
        var total = Tensor(0)
        var count = 0
        for example in examples {
            let targets = predictor.data.examples[example].targets
            for (delta, target) in zip(predictor.deltas(parameters, example: example), targets) {
                let error: Tensor = (delta - target.reshaped([1, target.count])).squared().mean()
                total = total + error
                count += 1
            }
        }
        return TrainingLoss(value: total * (1 / Float(max(count, 1))), itemCount: count)
    }
}

/// Stage 2, the diffusion loss through the frozen generator: for the batch's concept images x₀ and
/// captions c, every concept word's predicted Δ̂ on its tokens,
///
///     L_diff = mean (v̂(x_σ, σ, c; Δ̂ on the words) − (ε − x₀))²
///
/// with σ and ε from ``Training/RectifiedFlowOptions`` seeded per step (as TokenVerse's L_diff).
final class ModAdapterDiffusionObjective: TrainingObjective {
    let predictor: ModAdapterPredictor
    let transformer: QwenImageTransformer
    let options: RectifiedFlowOptions
    let fingerprint: String

    init(predictor: ModAdapterPredictor, transformer: QwenImageTransformer, options: RectifiedFlowOptions, baseFingerprint: String) {
        self.predictor = predictor
        self.transformer = transformer
        self.options = options
        fingerprint = predictor.fingerprint(stage: "train", options: "\(baseFingerprint)\n\(options)")
    }

    var exampleCount: Int { predictor.data.count }

    func loss(parameters: [Tensor], examples: [Int]) throws -> TrainingLoss {
        try loss(parameters: parameters, examples: examples, step: 0)
    }

    func loss(parameters: [Tensor], examples: [Int], step: Int) throws -> TrainingLoss {
        let c = transformer.configuration
        let data = predictor.data
        let draws = RectifiedFlowStep.draws(
            options: options, count: examples.count, tokens: data.imageShape.tokenCount, channels: c.inChannels, step: step)
        let prompts = examples.map { data.examples[$0].prompt }
        let samples = examples.map { example in
            zip(predictor.deltas(parameters, example: example), data.examples[example].spans).map { delta, spans in
                delta.shape[0] == 1
                    ? PromptModulation.Placement(delta: delta.reshaped([c.innerDim]), blockDeltas: nil, spans: spans)
                    : PromptModulation.Placement(delta: .zeros([c.innerDim]), blockDeltas: delta, spans: spans)
            }
        }
        let modulation = PromptModulation.modulation(
            samples: samples, textLength: prompts.map { $0.shape[0] }.max() ?? 0, width: c.innerDim, layers: c.layerCount)
        let value = try RectifiedFlowStep.squaredErrors(
            model: transformer, clean: Tensor.concat(examples.map { data.examples[$0].latents }, axis: 0),
            imageShape: data.imageShape, prompts: prompts, sigmas: draws.sigmas, noise: draws.noise, modulation: modulation
        ).mean()
        return TrainingLoss(value: value, itemCount: examples.count)
    }
}
