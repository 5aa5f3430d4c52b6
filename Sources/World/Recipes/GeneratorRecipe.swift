import Foundation
import Generators
import ModelInterfaces
import Tensors
import TextEncoders
import Training

/// How the world's generator is made: a Qwen-Image MMDiT (``QwenImageTransformer``) trained from
/// scratch in pixel space with the rectified-flow objective (``RectifiedFlowObjective``) on
/// (caption → render) pairs of ``World/captions(count:seed:)``.
///
/// Captions are encoded once by the world's frozen text encoder through Qwen-Image's prompt
/// template (``PromptEncoder`` with ``PromptTemplate/qwenImagePrefixDrop``: final-norm states, template
/// tokens dropped), exactly as `mokus generate` encodes a prompt, and each distinct caption once.
/// Images are the captions' scenes rendered at ``imageSize`` in [−1, 1].
///
/// `.standard` is sized for 2 CPU cores (docs/world.md measures it): 32×32 renders, codec patch 2
/// and the transformer's 2×2 packing (8×8 = 64 image tokens of 48 channels, each 4×4 pixels: a
/// quarter of the tokens of patch 1 for about twice the training throughput, measured), width 128
/// (4 heads of 32, RoPE axes 8/12/12), 4 blocks (≈ 2.5 M parameters, 5 MB in bf16 — far inside the
/// world's budget); 32,768 captions (each (object, background) pair about 11 times, with its own
/// position jitter); AdamW at 1e-3 without weight decay, 100 warm-up steps then cosine, batch 32,
/// 12,000 steps; logit-normal σ (mean 0, std 1: Stable Diffusion 3's choice for training from
/// scratch, which weights the middle noise levels where the content is decided), 10% prompt
/// dropout (for classifier-free guidance), EMA 0.999 (the average is what is shipped).
public struct GeneratorRecipe: Codable, Sendable, Equatable {
    /// Side of the square renders (and of generated images).
    public var imageSize = 32
    /// Denoising steps `mokus generate` takes by default on the trained pipeline (its model_index.json).
    public var samplingSteps = 20
    /// p of the ``PixelPatchCodec`` (pixels folded into one latent position per side).
    public var pixelPatch = 2
    public var layerCount = 4
    public var headCount = 4
    public var headDimension = 32
    /// RoPE widths over (frame, height, width); they add up to ``headDimension``.
    public var rotaryAxes = [8, 12, 12]
    /// Training pairs drawn by ``World/captions(count:seed:)``.
    public var captionCount = 32768
    public var steps = 12000
    public var batchSize = 32
    public var learningRate: Float = 1e-3
    public var warmupSteps = 100
    public var weightDecay: Float = 0
    public var timestepSampling = TimestepSampling.logitNormal(mean: 0, standardDeviation: 1)
    public var promptDropout: Float = 0.1
    public var emaDecay: Float = 0.999
    public var checkpointEvery = 250
    /// Save bf16 weights (else Float32).
    public var storesBFloat16 = true
    /// Seeds the initial weights, the caption draw, the data order and every step's noise.
    public var seed: UInt64 = 0

    public init() {}

    /// The shipped generator's recipe.
    public static let standard = GeneratorRecipe()

    /// A one-block, width-16 model on 32×32 renders (the evaluator's size) for a few steps: tests run it in seconds.
    public static var test: GeneratorRecipe {
        var recipe = GeneratorRecipe()
        (recipe.imageSize, recipe.layerCount, recipe.headCount, recipe.headDimension) = (32, 1, 2, 8)
        recipe.samplingSteps = 4
        (recipe.rotaryAxes, recipe.captionCount, recipe.steps, recipe.batchSize) = ([2, 2, 4], 24, 4, 4)
        (recipe.warmupSteps, recipe.checkpointEvery, recipe.learningRate) = (1, 2, 1e-3)
        return recipe
    }

    /// The transformer for text states of width `textWidth`.
    public func transformer(textWidth: Int) -> QwenImageTransformerConfiguration {
        let channels = 3 * pixelPatch * pixelPatch
        return QwenImageTransformerConfiguration(
            patchSize: 2, inChannels: 4 * channels, outChannels: channels, layerCount: layerCount,
            headDimension: headDimension, headCount: headCount, jointAttentionDim: textWidth, rotaryAxes: rotaryAxes)
    }

    /// The trainer settings.
    /// The warm-up is capped at the run's length, so a run shortened with `--steps` stays valid.
    public var training: TrainingConfiguration {
        TrainingConfiguration(
            steps: steps, batchSize: batchSize, learningRate: learningRate, warmupSteps: min(warmupSteps, steps),
            weightDecay: weightDecay, seed: seed, checkpointEvery: checkpointEvery, emaDecay: emaDecay)
    }

    /// The objective's draws.
    public var flow: RectifiedFlowOptions {
        var options = RectifiedFlowOptions()
        options.timestepSampling = timestepSampling
        options.promptDropout = promptDropout
        options.seed = seed
        return options
    }

    /// The captions' renders and encoded prompts (each distinct caption encoded once), and the
    /// empty prompt's states.
    ///
    /// - Throws: `WorldError` for a bad render size, `GeneratorError` for a prompt the encoder
    ///   cannot take, the encoder's errors.
    public func trainingData(world: World, encoder: any TextEncoder) throws -> GeneratorTrainingData {
        let captions = world.captions(count: captionCount, seed: seed)
        let prompts = PromptEncoder(encoder: encoder, template: .qwenImagePrefixDrop)
        func states(_ text: String) throws -> Tensor {
            let encoded = try prompts.encode([text]).embeddings
            return encoded.reshaped(Array(encoded.shape.dropFirst()))
        }
        var promptIndex: [String: Int] = [:]
        var promptStates: [Tensor] = []
        var promptOfImage: [Int] = []
        var renders: [Tensor] = []
        for caption in captions {
            if let known = promptIndex[caption.text] {
                promptOfImage.append(known)
            } else {
                promptIndex[caption.text] = promptStates.count
                promptOfImage.append(promptStates.count)
                promptStates.append(try states(caption.text))
            }
            let image = try Renderer.render(caption.scene, size: imageSize).tensor * 2 - 1
            renders.append(image.reshaped([1] + image.shape))
        }
        return GeneratorTrainingData(
            images: Tensor.concat(renders, axis: 0), prompts: promptStates, promptOfImage: promptOfImage,
            emptyPrompt: try states(""))
    }

    /// Trains the generator on `world` with the world folder's text encoder and writes the pipeline
    /// components (`model_index.json`, `transformer/` from the EMA weights, `scheduler/` with
    /// Qwen-Image's scheduler configuration) into the world folder `directory`, which must hold
    /// `text_encoder/` (and its tokenizer).
    ///
    /// - Parameters:
    ///   - checkpoints: where trainer checkpoints go (a rerun resumes from the newest); nil for none.
    ///   - stopAfter: end this invocation after this step (a later run resumes); the pipeline is
    ///     written only when the run completes.
    /// - Returns: the trainer's result.
    /// - Throws: `TextEncoderError` for a missing encoder, `TrainingError`, `GeneratorError`, `ModelIOError`.
    @discardableResult
    public func train(
        world: World, into directory: URL, checkpoints: URL? = nil, stopAfter: Int? = nil,
        progress: (TrainingProgress) -> Void = { _ in }
    ) throws -> TrainingResult {
        let encoder = try TextEncoderLoader.load(directory: directory.appending(path: WorldFolder.textEncoder))
        let configuration = transformer(textWidth: encoder.info.hiddenSize)
        let objective = try RectifiedFlowObjective(
            configuration: configuration, codec: PixelPatchCodec(patchSize: pixelPatch),
            data: trainingData(world: world, encoder: encoder), options: flow)
        let result = try Trainer(configuration: training).train(
            parameters: objective.initialParameters(seed: seed), objective: objective, checkpointDirectory: checkpoints,
            stopAfter: stopAfter, progress: progress)
        guard result.step == steps else { return result }
        let shipped = result.averagedParameters ?? result.parameters
        try QwenImagePipelineFolder.writePixelPipeline(
            transformer: QwenImageTransformer(
                configuration: configuration,
                parameters: Dictionary(uniqueKeysWithValues: shipped.map { ($0.name, $0.value) })),
            scheduler: FlowMatchEulerScheduler(.qwenImage), storedAs: storesBFloat16 ? .bfloat16 : .float32,
            textEncoderClass: "Qwen2ForCausalLM",
            defaults: PipelineDefaults(
                size: imageSize, steps: samplingSteps, promptTemplate: .qwenImagePrefixDrop, negativePrompt: ""),
            into: directory)
        return result
    }
}
