import ArgumentParser
import Foundation
import Generators
import Imaging
import ModelInterfaces
import MoKus
import Personalization
import Tensors
import TextEncoders
import Training

extension Mokus {
    /// `mokus tokenverse …`: per-token modulation personalization (docs/personalization.md).
    /// Subcommands live in `TokenVerseLearn.swift`, `TokenVerseGenerate.swift` and `TokenVerseEval.swift`.
    struct TokenVerseCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tokenverse",
            abstract: "Learn concepts as per-token modulation offsets (TokenVerse), compose them in new prompts, evaluate.",
            discussion: """
                learn: one PNG and its caption → a Δ file with an offset per concept word; generate: add the Δ of \
                one or more files to the same words of a new prompt; eval: the DreamBench-Abs-style evaluation on \
                the tiny world. See docs/personalization.md.
                """,
            subcommands: [Learn.self, Generate.self, Eval.self])
    }
}

/// The TokenVerse learning settings shared by `tokenverse learn` and `tokenverse eval`
/// (``TokenVerseSettings``; defaults measured on the world).
struct TokenVerseOptions: ParsableArguments {
    @Option(help: "Optimisation steps.") var steps = 200
    @Option(help: "Noised copies of the concept image per step.") var batchSize = 4
    @Option(help: "AdamW learning rate (constant).") var learningRate: Float = 1e-2
    @Option(help: "Seed of the noise, σ and isolation draws.") var seed: UInt64 = 0
    @Flag(help: "Learn a Δ per block beside the shared Δ.") var perBlock = false
    @Option(help: "Fraction of steps that add the concept-isolation loss (0 turns it off).") var isolationProbability: Float = 0.5
    @Option(help: "Weight of the concept-isolation loss.") var isolationWeight: Float = 1
    @Option(help: "Base images the generator draws for the isolation loss (0 turns it off).") var isolationImages = 8

    func validate() throws {
        try ArgumentChecks.check("--steps", steps, in: 1...1_000_000)
        try ArgumentChecks.check("--batch-size", batchSize, in: 1...1024)
        try ArgumentChecks.check("--learning-rate", learningRate, in: 0...10)
        try ArgumentChecks.check("--isolation-probability", isolationProbability, in: 0...1)
        try ArgumentChecks.check("--isolation-weight", isolationWeight, in: 0...1e6)
        try ArgumentChecks.check("--isolation-images", isolationImages, in: 0...1000)
    }

    /// The settings for `caption` and `words`.
    func settings(caption: String, words: [String]) -> TokenVerseSettings {
        var settings = TokenVerseSettings(caption: caption, words: words)
        settings.perBlock = perBlock
        settings.isolationProbability = isolationProbability
        settings.isolationWeight = isolationWeight
        settings.training.steps = steps
        settings.training.batchSize = batchSize
        settings.training.learningRate = learningRate
        settings.training.minimumLearningRate = learningRate
        settings.training.seed = seed
        return settings
    }
}

/// A loaded pipeline as the tokenverse and modadapter commands use it: the generator, its fingerprint, the prompt
/// encoder and the pipeline's sampling defaults.
struct TokenVersePipeline {
    let folder: URL
    let generator: QwenImageGenerator
    let fingerprint: String
    /// The text encoder's fingerprint (Mod-Adapter files record it).
    let encoderFingerprint: String
    let prompts: PromptEncoder
    let defaults: PipelineDefaults

    init(_ options: GeneratorOptions) throws {
        folder = try options.pipeline()
        generator = try QwenImageGenerator(directory: folder)
        fingerprint = try ConceptLearning.baseFingerprint(of: generator)
        defaults = try QwenImagePipelineFolder.defaults(of: folder)
        let encoder = try TextEncoderLoader.load(directory: options.encoderDirectory(pipeline: folder))
        encoderFingerprint = encoder.fingerprint
        prompts = PromptEncoder(encoder: encoder, template: defaults.promptTemplate)
    }

    /// The pipeline's size and steps with `guidance` (the seed is per image).
    func generation(steps: Int?, guidance: Float) -> GenerationSettings {
        GenerationSettings(width: defaults.width, height: defaults.height, steps: steps ?? defaults.steps, guidanceScale: guidance)
    }

    /// Draws `prompt` with every concept's Δ on its word and writes the PNG `path`.
    ///
    /// - Throws: ``PersonalizationError`` for a word not in the prompt or shared by two concepts;
    ///   the sampling and PNG errors.
    func draw(
        prompt: String, concepts: [(source: String, concept: ConceptModulation)], seed: UInt64, steps: Int?, guidance: Float,
        to path: String
    ) throws {
        let c = generator.transformer.configuration
        let embeddings = try prompts.encode([prompt])
        generator.modulation = try TokenVerse.modulation(
            prompt: prompt, concepts: concepts, prompts: prompts, textLength: embeddings.embeddings.shape[1], batch: 1,
            layers: c.layerCount)
        defer { generator.modulation = nil }
        let negative = try defaults.negativePrompt.map { try prompts.encode([$0]) }
        let images = try generator.images(
            prompt: embeddings, negativePrompt: negative, noiseSeeds: [seed], settings: generation(steps: steps, guidance: guidance))
        try PNGCodec.write(try Image(tensor: images.reshaped(Array(images.shape.dropFirst())), range: .zeroToOne), to: URL(fileURLWithPath: path))
    }
}
