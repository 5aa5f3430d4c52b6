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
        var setup = try Setup(world: world, settings: settings)
        var learned: [ConceptModulationSet] = []
        var concepts: [TokenVerseMetrics.Concept] = []
        for (index, scene) in setup.scenes.enumerated() {
            var learning = settings.learning
            learning.caption = scene.caption
            learning.words = TokenVerseCase.conceptWords(of: scene)
            let captions = isolationCaptions(excluding: learning.words, count: settings.isolationImages, random: &setup.random)
            let isolation = try TokenVerse.isolation(
                generator: generator, prompts: prompts, captions: captions, negativePrompt: settings.negativePrompt,
                settings: settings.generation)
            let result = try TokenVerse.learn(
                generator: generator, baseFingerprint: baseFingerprint, prompts: prompts, image: setup.images[index] * 2 - 1,
                isolation: isolation, settings: learning, progress: progress)
            learned.append(result.modulations)
            concepts.append(TokenVerseMetrics.Concept(
                caption: scene.caption, words: learning.words, losses: result.losses, seconds: result.seconds))
        }
        let t = settings.learning.training
        let learning = TokenVerseMetrics.Learning(
            steps: t.steps, learningRate: Double(t.learningRate), batchSize: t.batchSize, perBlock: settings.learning.perBlock,
            isolationProbability: Double(settings.learning.isolationProbability), isolationImages: settings.isolationImages,
            variant: "per-image tuning")
        return try score(
            method: "tokenverse", setup: setup, learned: learned, concepts: concepts, learning: learning, generator: generator,
            prompts: prompts, evaluator: evaluator, settings: settings, start: start, out: out, progress: progress)
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
