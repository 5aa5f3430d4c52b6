import Evaluator
import Foundation
import Tensors

/// How the world's image evaluator is made: the ``Evaluator`` CNN trained on renders of the world
/// with the world's attributes as its schema (shape, colour, pattern, size, background).
///
/// Training renders: `trainingImages` scenes drawn with seed `seed` (uniform over every object —
/// reserved customization concepts included, since the evaluator must recognise them — every
/// background and the full position jitter), shuffled anew each epoch. Held-out renders for
/// accuracy come from another seed (``heldOutScenes(count:seed:)``), so no held-out image is a
/// training image.
public struct EvaluatorRecipe: Codable, Sendable, Equatable {
    public var trainingImages = 8192
    public var steps = 1200
    public var batchSize = 64
    public var learningRate: Float = 3e-3
    public var seed: UInt64 = 0

    public init() {}

    /// The shipped evaluator.
    public static let standard = EvaluatorRecipe()

    /// A few steps on a few images, for tests.
    public static var test: EvaluatorRecipe {
        var recipe = EvaluatorRecipe()
        (recipe.trainingImages, recipe.steps, recipe.batchSize) = (64, 4, 16)
        return recipe
    }

    /// The world's attributes as an evaluator schema, in the order labels are given.
    public static let schema: AttributeSchema = {
        do {
            return try AttributeSchema([
                ImageAttribute(name: "shape", classes: ObjectShape.allCases.map(\.rawValue)),
                ImageAttribute(name: "colour", classes: ObjectColour.allCases.map(\.rawValue)),
                ImageAttribute(name: "pattern", classes: ObjectPattern.allCases.map(\.rawValue)),
                ImageAttribute(name: "size", classes: ObjectSize.allCases.map(\.rawValue)),
                ImageAttribute(name: "background", classes: Background.allCases.map(\.rawValue)),
            ])
        } catch {
            preconditionFailure("the world's attribute names are distinct and non-empty: \(error)")
        }
    }()

    /// The labels of `scene` in ``schema`` order.
    public static func labels(of scene: Scene) -> [Int] {
        let object = scene.object
        return [object.shape.ordinal, object.colour.ordinal, object.pattern.ordinal, object.size.ordinal,
                scene.background.ordinal]
    }

    /// `count` scenes over every object, drawn with `seed`.
    public static func heldOutScenes(count: Int, seed: UInt64) -> [Scene] {
        var random = RandomGenerator(seed: seed)
        return (0..<count).map { _ in
            Scene.random(ObjectDescription.all[random.nextInt(in: 0..<ObjectDescription.all.count)], using: &random)
        }
    }

    /// The renders of `scenes` as one labelled batch.
    public static func batch(of scenes: [Scene]) throws -> LabelledBatch {
        let renders = try scenes.map { try Renderer.render($0) }
        return LabelledBatch(
            images: Tensor.concat(renders.map { $0.tensor.reshaped([1] + $0.tensor.shape) }, axis: 0),
            labels: scenes.map(labels(of:)))
    }

    /// Trains the evaluator and saves it in the world folder `directory` (`evaluator/`).
    @discardableResult
    public func train(into directory: URL, progress: (EvaluatorTrainingProgress) -> Void = { _ in }) throws -> ImageEvaluator {
        let dataset = LabelledDataset(try Self.batch(of: Self.heldOutScenes(count: trainingImages, seed: seed)))
        let evaluator = try ImageEvaluator.train(
            configuration: try EvaluatorConfiguration.standard(schema: Self.schema),
            options: EvaluatorTrainingOptions(steps: steps, learningRate: learningRate, seed: seed),
            nextBatch: { try dataset.batch(at: $0, size: batchSize, seed: seed) }, progress: progress)
        try evaluator.save(to: directory.appending(path: WorldFolder.evaluator))
        return evaluator
    }
}

extension CaseIterable where Self: Equatable, AllCases.Index == Int {
    /// The position of this case in `allCases` (the class index of an attribute value).
    var ordinal: Int {
        guard let index = Self.allCases.firstIndex(of: self) else { preconditionFailure("every case is in allCases") }
        return index
    }
}
