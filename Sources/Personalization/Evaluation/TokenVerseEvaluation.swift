import Evaluator
import Foundation
import Generators
import ModelInterfaces
import ModelIO
import Tensors
import World

/// A DreamBench-Abs-style evaluation of TokenVerse on the tiny world (docs/personalization.md):
///
/// 1. concept images: the world's first `conceptCount` reserved concepts (objects no training
///    caption shows), each rendered centred on a drawn background; caption = its world caption,
///    concept words = its colour, pattern, shape and background;
/// 2. each is learned by ``TokenVerse/learn(generator:baseFingerprint:prompts:image:isolation:settings:progress:)``
///    (with `isolationImages` base images the generator draws from captions sharing no concept word);
/// 3. cases (``TokenVerseCase``): per image, one prompt per concept kind — object (colour + shape),
///    pattern, colour tone (colour), background — whose other attributes differ from the image's;
///    per image, compositions of 2 (object + the next image's pattern) and 3 concepts (+ the
///    image after's background);
/// 4. every prompt is drawn with `seeds` noises, plainly (`base`) and with the concepts' Δ on
///    their words (`tokenverse`), and read by the world's evaluator (``TokenVerseScores``).
///
/// The report folder is written atomically by ``TokenVerseReport``.
public enum TokenVerseEvaluation {
    /// Runs the evaluation and writes the report folder `out`.
    ///
    /// - Throws: ``PersonalizationError/invalidSetting(name:expected:found:)`` for a concept count
    ///   outside 3...16 (or above the world's reserved concepts) or no seeds; the learning,
    ///   sampling and evaluator errors.
    public static func run(
        world: World, generator: QwenImageGenerator, baseFingerprint: String, prompts: PromptEncoder,
        evaluator: ImageEvaluator, settings: TokenVerseEvaluationSettings, out: URL, progress: (any ProgressReporter)? = nil
    ) throws -> TokenVerseMetrics {
        let start = Date()
        let reserved = world.splits.reservedConcepts.count
        guard (3...min(16, reserved)).contains(settings.conceptCount), settings.seeds >= 1 else {
            throw PersonalizationError.invalidSetting(
                name: "concepts/seeds", expected: "3...\(min(16, reserved)) concepts and ≥ 1 seed",
                found: "\(settings.conceptCount) concepts, \(settings.seeds) seeds")
        }
        let size = settings.generation.width
        var random = RandomGenerator(seed: settings.seed)
        let scenes = TokenVerseCase.conceptScenes(world: world, count: settings.conceptCount, random: &random)
        let images = try scenes.map { try Renderer.render($0, size: size).tensor.reshaped([1, 3, size, size]) }

        var learned: [ConceptModulationSet] = []
        var concepts: [TokenVerseMetrics.Concept] = []
        for (index, scene) in scenes.enumerated() {
            var learning = settings.learning
            learning.caption = scene.caption
            learning.words = TokenVerseCase.conceptWords(of: scene)
            let captions = isolationCaptions(excluding: learning.words, count: settings.isolationImages, random: &random)
            let isolation = try TokenVerse.isolation(
                generator: generator, prompts: prompts, captions: captions, negativePrompt: settings.negativePrompt,
                settings: settings.generation)
            let result = try TokenVerse.learn(
                generator: generator, baseFingerprint: baseFingerprint, prompts: prompts, image: images[index] * 2 - 1,
                isolation: isolation, settings: learning, progress: progress)
            learned.append(result.modulations)
            let losses = result.losses.map(Double.init)
            concepts.append(TokenVerseMetrics.Concept(
                caption: scene.caption, words: learning.words, firstLoss: losses.first ?? 0,
                meanLossLast20: losses.suffix(20).reduce(0, +) / Double(max(1, min(20, losses.count))),
                seconds: result.seconds))
        }

        let cases = TokenVerseCase.cases(concepts: scenes, random: &random)
        let conceptEmbeddings = try evaluator.predict(Tensor.concat(images, axis: 0)).map(\.embedding)
        let drawing = try Drawing(
            generator: generator, prompts: prompts, settings: settings, learned: learned)
        var grid: [[Tensor]] = []
        var results: [TokenVerseMetrics.Case] = []
        var perState: [String: [(TokenVerseCase, [TokenVerseScores.Image])]] = [:]
        progress?.begin("drawing and scoring", total: cases.count)
        for (index, testCase) in cases.enumerated() {
            let drawn = try drawing.draw(testCase)
            var scores: [String: TokenVerseScores] = [:]
            for (state, batch) in zip(TokenVerseMetrics.states, [drawn.base, drawn.modulated]) {
                let embeddings = testCase.sources.map { conceptEmbeddings[$0.image] }
                let read = try evaluator.predict(batch).map {
                    TokenVerseScores.image($0, testCase: testCase, conceptEmbeddings: embeddings)
                }
                scores[state] = TokenVerseScores(read)
                perState[state, default: []].append((testCase, read))
            }
            grid.append(testCase.sources.map { images[$0.image] } + [drawn.base, drawn.modulated])
            results.append(TokenVerseMetrics.Case(
                group: testCase.group, kind: testCase.kind, prompt: testCase.prompt,
                sources: testCase.sources.map { "concept \($0.image): \($0.words.joined(separator: " "))" },
                concept: testCase.concept, other: testCase.other, scores: scores))
            progress?.update(completed: index + 1, detail: testCase.prompt)
        }
        progress?.end()

        let metrics = TokenVerseMetrics(
            conceptCount: settings.conceptCount, seeds: drawing.seeds, learningSteps: settings.learning.training.steps,
            learningRate: Double(settings.learning.training.learningRate), batchSize: settings.learning.training.batchSize,
            perBlock: settings.learning.perBlock, isolationProbability: Double(settings.learning.isolationProbability),
            isolationImages: settings.isolationImages, samplingSteps: settings.generation.steps,
            guidance: Double(settings.generation.guidanceScale), concepts: concepts, cases: results,
            summary: perState.mapValues(summary), samplingSeconds: drawing.seconds,
            modulationOverhead: (drawing.seconds["tokenverse"] ?? 0) / max(drawing.seconds["base"] ?? 0, 1e-9) - 1,
            samplingCPUSeconds: drawing.cpuSeconds,
            modulationCPUOverhead: (drawing.cpuSeconds["tokenverse"] ?? 0) / max(drawing.cpuSeconds["base"] ?? 0, 1e-9) - 1,
            modulationSetupSeconds: drawing.setupSeconds, seconds: Date().timeIntervalSince(start))
        try TokenVerseReport(metrics: metrics, grid: grid, concepts: images, modulations: learned, layers: generator.transformer.configuration.layerCount)
            .write(to: out)
        return metrics
    }

    /// `count` direct captions of random world scenes ("a small red striped star on a grey
    /// background") that contain none of `words` as a whole word: the captions of the base images
    /// the isolation loss draws. Fewer (possibly none) when 100·`count` draws do not find them (a
    /// word every caption holds, such as "background").
    public static func isolationCaptions(excluding words: [String], count: Int, random: inout RandomGenerator) -> [String] {
        var captions: [String] = []
        for _ in 0..<(100 * count) where captions.count < count {
            let object = ObjectDescription.all[random.nextInt(in: 0..<ObjectDescription.all.count)]
            let caption = Scene(object: object, background: Background.allCases[random.nextInt(in: 0..<Background.allCases.count)]).caption
            if words.allSatisfy({ PromptWords.wholeWordRanges(of: $0, in: caption).isEmpty }) { captions.append(caption) }
        }
        return captions
    }

    /// The per-state aggregates.
    static func summary(_ read: [(TokenVerseCase, [TokenVerseScores.Image])]) -> TokenVerseMetrics.Summary {
        func scores(_ keep: (TokenVerseCase) -> Bool) -> TokenVerseScores {
            TokenVerseScores(read.filter { keep($0.0) }.flatMap(\.1))
        }
        return TokenVerseMetrics.Summary(
            single: scores { $0.group == "single" },
            singleByKind: Dictionary(uniqueKeysWithValues: TokenVerseCase.kinds.map { kind in
                (kind.name, scores { $0.group == "single" && $0.kind == kind.name })
            }),
            multi2: scores { $0.group == "multi-2" }, multi3: scores { $0.group == "multi-3" })
    }
}
