import Generators
import Training

/// The settings of ``ConceptLearning``. Defaults are those of diffusers'
/// `train_dreambooth_lora_qwen_image.py` as MoKus ran it: LoRA rank 4, α 4 (scale 1), PEFT
/// "gaussian" init, targets `to_q`, `to_k`, `to_v`, `to_out.0` of every block; AdamW at 2e-4
/// (MoKus; the script's default is 1e-4), β (0.9, 0.999), weight decay 1e-4, ε 1e-8, gradient
/// clipping at norm 1, a constant schedule (the script's `constant` ignores its warmup), batch 1,
/// seed 42, 500 steps with a checkpoint every 100; σ sampled uniformly ("none" weighting scheme);
/// prior preservation off, with weight 1 when a class prompt is given.
public struct ConceptLearningSettings: Sendable {
    /// The anchor prompt the concept is bound to ("sks star").
    public var prompt: String
    /// With a class prompt ("star"), prior preservation on class images the base generator draws.
    public var classPrompt: String?
    /// How many class images are drawn (the script's `--num_class_images` is 100).
    public var classImageCount = 100
    /// Denoising steps per class image (the pipeline's default sampling steps).
    public var classSamplingSteps = 20
    /// The prior-preservation loss weight (`--prior_loss_weight`).
    public var priorLossWeight: Float = 1
    public var rank = 4
    public var alpha: Float = 4
    /// PEFT target names or suffixes.
    public var targets = QwenImageTransformer.defaultLoRATargets
    public var timestepSampling = TimestepSampling.uniform
    /// Steps, batch, AdamW, clipping, seed (data order, LoRA init, noise) and checkpoint frequency.
    public var training = TrainingConfiguration(
        steps: 500, batchSize: 1, learningRate: 2e-4, warmupSteps: 0, minimumLearningRate: 2e-4, weightDecay: 1e-4,
        maxGradientNorm: 1, seed: 42, checkpointEvery: 100)

    public init(prompt: String) {
        self.prompt = prompt
    }
}

/// What ``ConceptLearning/learn(generator:baseFingerprint:prompts:images:settings:checkpointDirectory:stopAfter:progress:)``
/// returns.
public struct ConceptLearningResult: Sendable {
    /// The trained adapters.
    public var adapters: LoRAOverlay
    /// The last step reached, and the step the run resumed from (0 for a fresh run).
    public var step: Int
    public var resumedFrom: Int
    /// This invocation's per-step losses.
    public var losses: [Float]
    public var instanceImages: Int
    public var classImages: Int
    public var trainableParameters: Int
    /// Wall time of the whole call (encoding, class images, training).
    public var seconds: Double
}
