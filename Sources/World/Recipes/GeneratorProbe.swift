import Evaluator
import Foundation
import Generators
import Imaging
import ModelInterfaces
import Tensors

/// A prompt and the scene its image should show: what the world's evaluator checks a generated
/// image against.
public struct GeneratorProbe: Sendable, Hashable {
    public var prompt: String
    /// The scene the image should show (its position is not checked).
    public var scene: Scene

    public init(prompt: String, scene: Scene) {
        self.prompt = prompt
        self.scene = scene
    }

    /// The caption's text and scene.
    public init(_ caption: Caption) { self.init(prompt: caption.text, scene: caption.scene) }
}

/// How often generated images show what their probes expect, as read by the evaluator.
///
/// Every fraction is over images (probes × seeds). `object` asks for all four object attributes
/// (size, colour, pattern, shape); `all` also for the background.
public struct ProbeScores: Codable, Sendable, Equatable {
    public var images: Int
    public var shapeColour: Double
    public var object: Double
    public var all: Double
    /// Per evaluator attribute.
    public var attributeAccuracy: [String: Double]

    enum CodingKeys: String, CodingKey {
        case images, shapeColour = "shape_colour", object, all, attributeAccuracy = "attribute_accuracy"
    }

    /// Scores `predictions` against the evaluator labels `expected` (``EvaluatorRecipe/labels(of:)``
    /// order: shape, colour, pattern, size, background).
    public init(predictions: [ImagePrediction], expected: [[Int]], schema: AttributeSchema = EvaluatorRecipe.schema) {
        let right = zip(predictions, expected).map { prediction, labels in
            zip(prediction.attributes, labels).map { $0.classIndex == $1 }
        }
        func fraction(_ attributes: Range<Int>) -> Double {
            right.isEmpty ? 0 : Double(right.filter { $0[attributes].allSatisfy { $0 } }.count) / Double(right.count)
        }
        images = right.count
        shapeColour = fraction(0..<2)
        object = fraction(0..<4)
        all = fraction(0..<schema.count)
        attributeAccuracy = Dictionary(uniqueKeysWithValues: schema.names.enumerated().map { index, name in
            (name, fraction(index..<(index + 1)))
        })
    }
}

/// Generates images for probes with a world pipeline and reads them with the world's evaluator.
///
/// Image `i` of a probe list in repetition `r` starts from its own noise, drawn with a generator
/// seeded from (`seed + r`, `i`), so an image does not depend on the batch it is generated in and
/// the same probe list gives the same images with any encoder (what preservation compares); with guidance > 1
/// the unconditional branch is the pipeline's negative prompt, else the empty prompt (what the
/// world's generator was trained to drop prompts to).
public struct GeneratorProbing {
    public var generator: QwenImageGenerator
    public var evaluator: ImageEvaluator
    public var defaults: PipelineDefaults
    public var guidance: Float
    public var repetitions: Int
    public var seed: UInt64 = 0
    /// Images generated (and read) at once.
    public var batchSize = 64

    public init(generator: QwenImageGenerator, evaluator: ImageEvaluator, defaults: PipelineDefaults,
                guidance: Float = 4, repetitions: Int = 4) {
        self.generator = generator
        self.evaluator = evaluator
        self.defaults = defaults
        self.guidance = guidance
        self.repetitions = repetitions
    }

    /// The evaluator's predictions for every probe and repetition (repetition-major: all probes of
    /// repetition 0, then of repetition 1, …).
    ///
    /// - Parameter progress: called after each batch with the number of images done.
    public func predictions(
        _ probes: [GeneratorProbe], encoder: any TextEncoder, progress: (Int) -> Void = { _ in }
    ) throws -> [ImagePrediction] {
        let prompts = PromptEncoder(encoder: encoder, template: defaults.promptTemplate)
        var results: [ImagePrediction] = []
        for repetition in 0..<repetitions {
            for start in stride(from: 0, to: probes.count, by: batchSize) {
                let batch = probes[start..<min(probes.count, start + batchSize)]
                results += try evaluator.predict(try images(batch, repetition: repetition, prompts: prompts))
                progress(results.count)
            }
        }
        return results
    }

    /// A PNG-ready sheet with one row per probe: its render (what the prompt describes), then the
    /// generated image of each repetition, every pixel enlarged `scale` times.
    public func sheet(_ probes: [GeneratorProbe], encoder: any TextEncoder, scale: Int = 3) throws -> Image {
        let prompts = PromptEncoder(encoder: encoder, template: defaults.promptTemplate)
        let generated = try (0..<repetitions).map { try images(probes[...], repetition: $0, prompts: prompts) }
        var cells: [Image] = []
        for (index, probe) in probes.enumerated() {
            cells.append(try Renderer.render(probe.scene, size: defaults.width).image.enlarged(by: scale))
            for images in generated {
                let image = images.slice(axis: 0, index..<(index + 1)).reshaped(Array(images.shape.dropFirst()))
                cells.append(try Image(tensor: image, range: .zeroToOne).enlarged(by: scale))
            }
        }
        return try ImageGrid.compose(cells, columns: repetitions + 1, spacing: 2 * scale, background: [255, 255, 255])
    }

    /// Scores the probes' images (``predictions(_:encoder:progress:)``).
    public func scores(
        _ probes: [GeneratorProbe], encoder: any TextEncoder, progress: (Int) -> Void = { _ in }
    ) throws -> ProbeScores {
        let predictions = try predictions(probes, encoder: encoder, progress: progress)
        let labels = probes.map { EvaluatorRecipe.labels(of: $0.scene) }
        return ProbeScores(predictions: predictions, expected: (0..<repetitions).flatMap { _ in labels })
    }

    /// The images of `probes` (a slice of a probe list, its indices the images' positions in the
    /// list) in `repetition`.
    func images(_ probes: ArraySlice<GeneratorProbe>, repetition: Int, prompts: PromptEncoder) throws -> Tensor {
        try generate(probes.map(\.prompt), prompts: prompts, noiseSeeds: probes.indices.map {
            Self.noiseSeed(seed &+ UInt64(repetition), image: $0)
        })
    }

    /// Images `[B, 3, S, S]` in [0, 1] for `texts`, each from the initial noise of its seed
    /// (``Generators/QwenImageGenerator/images(prompt:negativePrompt:noiseSeeds:settings:)``).
    func generate(_ texts: [String], prompts: PromptEncoder, noiseSeeds: [UInt64]) throws -> Tensor {
        let settings = GenerationSettings(
            width: defaults.width, height: defaults.height, steps: defaults.steps, seed: 0, guidanceScale: guidance)
        let unconditional = defaults.negativePrompt ?? ""
        let negative = guidance > 1 ? try prompts.encode(Array(repeating: unconditional, count: texts.count)) : nil
        return try generator.images(
            prompt: try prompts.encode(texts), negativePrompt: negative, noiseSeeds: noiseSeeds, settings: settings)
    }

    /// The noise seed of image `image` of a list generated with `seed` (a Weyl-sequence step, so
    /// nearby seeds and indices give unrelated streams).
    static func noiseSeed(_ seed: UInt64, image: Int) -> UInt64 {
        (seed &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(image) &* 0xBF58_476D_1CE4_E5B9)
    }
}
