import Evaluator
import Foundation
import Generators
import ModelInterfaces
import Tensors
import World

extension TokenVerseEvaluation {
    /// What every method is evaluated on: the concept images and the prompts, drawn from the
    /// evaluation seed before any method runs (so TokenVerse and Mod-Adapter see the same cases).
    struct Setup {
        let scenes: [Scene]
        /// `[1, 3, S, S]` in [0, 1].
        let images: [Tensor]
        let cases: [TokenVerseCase]
        /// The seed's stream after the cases (TokenVerse draws its base captions from it).
        var random: RandomGenerator

        /// - Throws: ``PersonalizationError/invalidSetting(name:expected:found:)`` for a concept count
        ///   outside 3...16 (or above the world's reserved concepts) or no seeds.
        init(world: World, settings: TokenVerseEvaluationSettings) throws {
            let reserved = world.splits.reservedConcepts.count
            guard (3...min(16, reserved)).contains(settings.conceptCount), settings.seeds >= 1 else {
                throw PersonalizationError.invalidSetting(
                    name: "concepts/seeds", expected: "3...\(min(16, reserved)) concepts and ≥ 1 seed",
                    found: "\(settings.conceptCount) concepts, \(settings.seeds) seeds")
            }
            let size = settings.generation.width
            random = RandomGenerator(seed: settings.seed)
            scenes = TokenVerseCase.conceptScenes(world: world, count: settings.conceptCount, random: &random)
            images = try scenes.map { try Renderer.render($0, size: size).tensor.reshaped([1, 3, size, size]) }
            cases = TokenVerseCase.cases(concepts: scenes, random: &random)
        }
    }

    /// Draws every case plainly (`base`) and with the `learned` Δ of its concepts (state `method`),
    /// scores both with the evaluator and writes the report folder `out` (``TokenVerseReport``).
    ///
    /// - Parameter learned: per concept image, its concepts' Δ (each case picks its words).
    /// - Throws: the sampling, evaluator and file errors.
    static func score(
        method: String, setup: Setup, learned: [ConceptModulationSet], concepts: [TokenVerseMetrics.Concept],
        learning: TokenVerseMetrics.Learning, generator: QwenImageGenerator, prompts: PromptEncoder,
        evaluator: ImageEvaluator, settings: TokenVerseEvaluationSettings, start: Date, out: URL,
        progress: (any ProgressReporter)?
    ) throws -> TokenVerseMetrics {
        let states = ["base", method]
        let conceptEmbeddings = try evaluator.predict(Tensor.concat(setup.images, axis: 0)).map(\.embedding)
        let drawing = try Drawing(
            generator: generator, prompts: prompts, settings: settings, learned: learned, method: method)
        var grid: [[Tensor]] = []
        var results: [TokenVerseMetrics.Case] = []
        var perState: [String: [(TokenVerseCase, [TokenVerseScores.Image])]] = [:]
        progress?.begin("drawing and scoring", total: setup.cases.count)
        for (index, testCase) in setup.cases.enumerated() {
            let drawn = try drawing.draw(testCase)
            var scores: [String: TokenVerseScores] = [:]
            for (state, batch) in zip(states, [drawn.base, drawn.modulated]) {
                let embeddings = testCase.sources.map { conceptEmbeddings[$0.image] }
                let read = try evaluator.predict(batch).map {
                    TokenVerseScores.image($0, testCase: testCase, conceptEmbeddings: embeddings)
                }
                scores[state] = TokenVerseScores(read)
                perState[state, default: []].append((testCase, read))
            }
            grid.append(testCase.sources.map { setup.images[$0.image] } + [drawn.base, drawn.modulated])
            results.append(TokenVerseMetrics.Case(
                group: testCase.group, kind: testCase.kind, prompt: testCase.prompt,
                sources: testCase.sources.map { "concept \($0.image): \($0.words.joined(separator: " "))" },
                concept: testCase.concept, other: testCase.other, scores: scores))
            progress?.update(completed: index + 1, detail: testCase.prompt)
        }
        progress?.end()

        func overhead(_ seconds: [String: Double]) -> Double { (seconds[method] ?? 0) / max(seconds["base"] ?? 0, 1e-9) - 1 }
        let metrics = TokenVerseMetrics(
            method: method, conceptCount: settings.conceptCount, seeds: drawing.seeds, learning: learning,
            samplingSteps: settings.generation.steps, guidance: Double(settings.generation.guidanceScale), concepts: concepts,
            cases: results, summary: perState.mapValues(summary), samplingSeconds: drawing.seconds,
            modulationOverhead: overhead(drawing.seconds), samplingCPUSeconds: drawing.cpuSeconds,
            modulationCPUOverhead: overhead(drawing.cpuSeconds), modulationSetupSeconds: drawing.setupSeconds,
            seconds: Date().timeIntervalSince(start))
        try TokenVerseReport(
            metrics: metrics, grid: grid, concepts: setup.images, modulations: learned,
            layers: generator.transformer.configuration.layerCount
        ).write(to: out)
        return metrics
    }
}
