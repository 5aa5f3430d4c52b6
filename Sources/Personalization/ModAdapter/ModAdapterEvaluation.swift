import Evaluator
import Foundation
import Generators
import ModelInterfaces
import Tensors
import World

/// Mod-Adapter in TokenVerse's DreamBench-Abs-style evaluation on the world (``TokenVerseEvaluation``):
/// the same held-out concept images (the world's reserved concepts) and prompts for the same
/// evaluation seed, but every concept image's Δ comes from one adapter forward pass
/// (``ModAdapter/concepts(image:words:caption:evaluator:prompts:)``), with no test-time training.
public enum ModAdapterEvaluation {
    /// Runs the evaluation and writes the report folder `out` (state `modadapter`).
    ///
    /// - Parameter learning: how the adapter was trained (recorded in the report).
    /// - Throws: as ``TokenVerseEvaluation/run(world:generator:baseFingerprint:prompts:evaluator:settings:out:progress:)``.
    public static func run(
        world: World, adapter: ModAdapter, generator: QwenImageGenerator, prompts: PromptEncoder, evaluator: ImageEvaluator,
        learning: TokenVerseMetrics.Learning, settings: TokenVerseEvaluationSettings, out: URL,
        progress: (any ProgressReporter)? = nil
    ) throws -> TokenVerseMetrics {
        let start = Date()
        let setup = try TokenVerseEvaluation.Setup(world: world, settings: settings)
        var learned: [ConceptModulationSet] = []
        var concepts: [TokenVerseMetrics.Concept] = []
        for (scene, image) in zip(setup.scenes, setup.images) {
            let predicted = Date()
            let words = TokenVerseCase.conceptWords(of: scene)
            learned.append(try adapter.concepts(image: image, words: words, caption: scene.caption, evaluator: evaluator, prompts: prompts))
            concepts.append(TokenVerseMetrics.Concept(
                caption: scene.caption, words: words, losses: [], seconds: Date().timeIntervalSince(predicted)))
        }
        return try TokenVerseEvaluation.score(
            method: "modadapter", setup: setup, learned: learned, concepts: concepts, learning: learning, generator: generator,
            prompts: prompts, evaluator: evaluator, settings: settings, start: start, out: out, progress: progress)
    }
}
