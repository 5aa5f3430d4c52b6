import ArgumentParser
import Foundation
import MoKus

/// The DreamBooth-LoRA settings of stage 1 (`learn-concept`, `customize`), defaulting to diffusers'
/// train_dreambooth_lora_qwen_image.py as MoKus ran it (``ConceptLearningSettings``).
struct ConceptLearningOptions: ParsableArguments {
    @Option(help: "Optimisation steps.") var steps = 500
    @Option(help: "Images per step.") var batchSize = 1
    @Option(help: "AdamW learning rate (constant).") var learningRate: Float = 2e-4
    @Option(help: "LoRA rank r.") var rank = 4
    @Option(help: "LoRA alpha (scale alpha/r).") var alpha: Float = 4
    @Option(help: "Seed of the LoRA init, data order and noise.") var seed: UInt64 = 42
    @Option(help: "σ sampling: none (uniform) or logit_normal.") var weightingScheme = WeightingScheme.none
    @Option(help: "Mean of logit_normal.") var logitMean = 0.0
    @Option(help: "Standard deviation of logit_normal.") var logitStd = 1.0
    @Option(help: "Class prompt (e.g. \"star\"): turns on prior preservation.") var classPrompt: String?
    @Option(help: "Class images the base generator draws for prior preservation.") var classImages = 100
    @Option(help: "Weight of the prior-preservation loss.") var priorLossWeight: Float = 1
    @Option(help: "Checkpoint every N steps.") var checkpointEvery = 100

    enum WeightingScheme: String, ExpressibleByArgument, CaseIterable {
        case none
        case logitNormal = "logit_normal"
    }

    func validate() throws {
        try ArgumentChecks.check("--steps", steps, in: 1...10_000_000)
        try ArgumentChecks.check("--batch-size", batchSize, in: 1...4096)
        try ArgumentChecks.check("--rank", rank, in: 1...4096)
        try ArgumentChecks.check("--alpha", alpha, in: 1e-6...1e6)
        try ArgumentChecks.check("--learning-rate", learningRate, in: 0...1)
        try ArgumentChecks.check("--class-images", classImages, in: 1...100_000)
        try ArgumentChecks.check("--prior-loss-weight", priorLossWeight, in: 0...1e6)
        try ArgumentChecks.check("--checkpoint-every", checkpointEvery, in: 1...10_000_000)
    }

    /// The settings for `prompt`, class images drawn with `classSamplingSteps`.
    func settings(prompt: String, classSamplingSteps: Int) -> ConceptLearningSettings {
        var settings = ConceptLearningSettings(prompt: prompt)
        settings.classPrompt = classPrompt
        settings.classImageCount = classImages
        settings.classSamplingSteps = classSamplingSteps
        settings.priorLossWeight = priorLossWeight
        settings.rank = rank
        settings.alpha = alpha
        settings.timestepSampling =
            weightingScheme == .none ? .uniform : .logitNormal(mean: logitMean, standardDeviation: logitStd)
        settings.training.steps = steps
        settings.training.batchSize = batchSize
        settings.training.learningRate = learningRate
        settings.training.minimumLearningRate = learningRate
        settings.training.seed = seed
        settings.training.checkpointEvery = checkpointEvery
        return settings
    }
}
