import Foundation
import Generators
import ModelInterfaces
import Tensors

/// Draws and scores the report's images: every phrase in every prompt, one image per seed.
struct CustomizationDrawing {
    let generator: QwenImageGenerator
    let defaults: PipelineDefaults
    let settings: CustomizationReportSettings
    let scorer: (any ConceptImageScorer)?

    /// The generation settings of every image (size and template from the pipeline).
    var generation: GenerationSettings {
        GenerationSettings(
            width: defaults.width, height: defaults.height, steps: settings.samplingSteps ?? defaults.steps, seed: 0,
            guidanceScale: settings.guidance)
    }

    /// Checks the size and step count against the generator before anything is computed.
    ///
    /// - Throws: ``Generators/GeneratorError/invalidInput(name:expected:found:)`` (e.g. fewer steps than the scheduler takes).
    func check() throws {
        let grid = try generator.latentSize(width: defaults.width, height: defaults.height)
        _ = try generator.scheduler.sigmas(steps: generation.steps, imageSequenceLength: (grid.height / 2) * (grid.width / 2))
    }

    /// Images `[phrases × prompts]` (phrase-major), each `[seeds, 3, H, W]` in [0, 1], drawn with
    /// the generator's current LoRA and `encoder`; the negative prompt is the pipeline's, as in
    /// `mokus generate`.
    func draw(_ phrases: [String], encoder: any TextEncoder, label: String, progress: (any ProgressReporter)?) throws -> [Tensor] {
        let texts = phrases.flatMap { phrase in settings.prompts.map { CustomizationReportSettings.text($0, phrase: phrase) } }
        return try draw(texts: texts, encoder: encoder, negativePrompt: defaults.negativePrompt, label: label, progress: progress)
    }

    /// One image batch `[seeds, 3, H, W]` in [0, 1] per text, drawn with the generator's current LoRA
    /// and `encoder`, guided away from `negativePrompt` (true CFG; none: unguided).
    func draw(
        texts: [String], encoder: any TextEncoder, negativePrompt: String?, label: String, progress: (any ProgressReporter)?
    ) throws -> [Tensor] {
        let prompts = PromptEncoder(encoder: encoder, template: defaults.promptTemplate)
        let negative = try negativePrompt.map { try prompts.encode([$0]) }
        progress?.begin("drawing \(label) images", total: texts.count)
        var images: [Tensor] = []
        for text in texts {
            images.append(try generator.images(
                prompt: try prompts.encode([text]), negativePrompt: negative, noiseSeeds: settings.seeds, settings: generation))
            progress?.update(completed: images.count, detail: text)
        }
        progress?.end()
        return images
    }

    /// The mean scores of one cell's images.
    func scores(_ images: Tensor, requested: [String: String]) throws -> CustomizationMetrics.Scores {
        guard let scorer else { return CustomizationMetrics.Scores() }
        let similarity = try scorer.similarity(images)
        let shown = requested.isEmpty ? nil : try scorer.showsAttributes(images, requested)
        return CustomizationMetrics.Scores(
            similarity: similarity.reduce(0, +) / Double(similarity.count),
            contextAccuracy: shown.map { Double($0.filter { $0 }.count) / Double($0.count) })
    }
}

extension Array where Element == Double {
    /// The mean, or nil for no values.
    var mean: Double? { isEmpty ? nil : reduce(0, +) / Double(count) }
}
