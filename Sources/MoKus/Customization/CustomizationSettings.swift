import Foundation
import Generators

/// What a customisation's report draws: every phrase (the anchor, then each knowledge statement)
/// in every prompt, once per seed.
public struct CustomizationReportSettings: Sendable, Equatable {
    /// The phrase alone and with a context the evaluator can check.
    public static let defaultPrompts = ["{}", "{} on a grey background"]

    /// Prompts with `{}` standing for the phrase.
    public var prompts: [String]
    /// One image per seed and prompt (the noise of `mokus generate --seed`).
    public var seeds: [UInt64]
    /// True classifier-free guidance, as `mokus generate --guidance` (against the pipeline's
    /// negative prompt; none without one).
    public var guidance: Float = 4
    /// Denoising steps; nil: the pipeline's.
    public var samplingSteps: Int?

    /// - Throws: ``MoKusError/invalidPrompt(prompt:reason:)`` for no prompts, a prompt without `{}`,
    ///   or no seeds.
    public init(prompts: [String] = CustomizationReportSettings.defaultPrompts, seeds: [UInt64] = [0, 1, 2, 3]) throws {
        guard !prompts.isEmpty else { throw MoKusError.invalidPrompt(prompt: "", reason: "no prompts given") }
        if let bad = prompts.first(where: { !$0.contains("{}") }) {
            throw MoKusError.invalidPrompt(prompt: bad, reason: "it has no '{}' for the phrase")
        }
        guard !seeds.isEmpty else { throw MoKusError.invalidPrompt(prompt: prompts[0], reason: "no seeds given") }
        self.prompts = prompts
        self.seeds = seeds
    }

    /// `prompt` with `{}` replaced by `phrase`.
    static func text(_ prompt: String, phrase: String) -> String { prompt.replacingOccurrences(of: "{}", with: phrase) }
}

/// Where stage 1's LoRA comes from.
public enum ConceptSource {
    /// Learn it from the concept images (``ConceptLearning``); checkpoints go to the folder when given.
    case learn(ConceptLearningSettings, checkpoints: URL?)
    /// Reuse a LoRA file (checked against the generator when loaded).
    case file(URL)
}
