import Tensors

/// A text-to-image generator as the applications see it: text conditioning in, a pull-based
/// sequence of denoising steps, then an RGB image.
///
/// Conditioning is a ``PromptEmbeddings`` value, produced from any ``TextEncoder`` (the generator
/// module's prompt encoder applies the model's prompt template), so an edited encoder plugs in
/// unchanged. The caller drives the sampling loop and may stop it early:
///
/// ```swift
/// let sampling = try generator.startSampling(prompt: embeddings, negativePrompt: nil, settings: settings)
/// while let step = try sampling.next() {
///     progress.update(step.index + 1, of: step.count)
/// }
/// let image = try generator.decode(sampling.latents, settings: settings)   // [1, 3, H, W] in [0, 1]
/// ```
public protocol Generator: AnyObject {
    /// The embedding width the generator reads (`joint_attention_dim` for Qwen-Image).
    var conditioningWidth: Int { get }

    /// Prepares a sample: the initial noise (from `settings.seed`, or `settings.initialLatents`)
    /// and the noise schedule. Nothing is computed until the first ``DenoisingProcess/next()``.
    ///
    /// - Throws: when the size, step count, latents or embeddings do not fit the generator.
    func startSampling(
        prompt: PromptEmbeddings, negativePrompt: PromptEmbeddings?, settings: GenerationSettings
    ) throws -> any DenoisingProcess

    /// Decodes final latents to RGB images `[B, 3, height, width]` with values in [0, 1].
    func decode(_ latents: Tensor, settings: GenerationSettings) throws -> Tensor
}

/// A sample in progress: each ``next()`` runs one denoising step.
public protocol DenoisingProcess: AnyObject {
    /// Steps in the whole schedule.
    var stepCount: Int { get }
    /// The current latents (the initial noise before the first step).
    var latents: Tensor { get }
    /// Runs the next step; `nil` once all steps have run.
    func next() throws -> DenoisingStep?
}

/// What one denoising step did.
public struct DenoisingStep: Sendable {
    /// 0-based index of the step that just ran.
    public var index: Int
    /// Steps in the schedule.
    public var count: Int
    /// The noise level the step started from and the one it reached.
    public var sigma: Double
    public var nextSigma: Double

    public init(index: Int, count: Int, sigma: Double, nextSigma: Double) {
        self.index = index
        self.count = count
        self.sigma = sigma
        self.nextSigma = nextSigma
    }
}

/// Text conditioning: per-token embeddings `[B, L, D]` and a mask `[B, L]` (1 = real token,
/// 0 = padding).
public struct PromptEmbeddings {
    public var embeddings: Tensor
    public var mask: Tensor

    /// Generators check the shapes (`[B, L, D]` and `[B, L]`) when sampling starts, so values read
    /// from a file are reported there, with the generator's expectations.
    public init(embeddings: Tensor, mask: Tensor) {
        self.embeddings = embeddings
        self.mask = mask
    }

    /// Embeddings whose tokens are all real.
    public init(embeddings: Tensor) {
        self.init(embeddings: embeddings, mask: .ones(Array(embeddings.shape.prefix(2))))
    }
}

/// What to sample.
public struct GenerationSettings: Sendable {
    public var width: Int
    public var height: Int
    public var steps: Int
    /// Seed of the initial noise (ignored when ``initialLatents`` is set).
    public var seed: UInt64
    /// Classifier-free guidance scale, applied when a negative prompt is given (Qwen-Image's
    /// "true CFG": two passes per step).
    public var guidanceScale: Float
    /// Initial noise in the generator's latent layout (Qwen-Image: packed `[B, tokens, channels]`),
    /// for reproducing a run of another implementation.
    public var initialLatents: Tensor?

    public init(width: Int = 1024, height: Int = 1024, steps: Int = 50, seed: UInt64 = 0,
                guidanceScale: Float = 4, initialLatents: Tensor? = nil) {
        self.width = width
        self.height = height
        self.steps = steps
        self.seed = seed
        self.guidanceScale = guidanceScale
        self.initialLatents = initialLatents
    }
}
