import Evaluator
import Tensors
import TestSupport

/// The tests' world: 16×16 ``SyntheticShapes`` (shape, colour, size, background) and the small
/// architecture trained on it in debug builds.
enum TinyShapes {
    static let world = SyntheticShapes(size: 16)
    static let size = world.size

    static let schema = try! AttributeSchema(world.attributes.map { ImageAttribute(name: $0.name, classes: $0.classes) })

    static let configuration = try! EvaluatorConfiguration(
        schema: schema, imageSize: size, channels: [8, 32, 64], strides: [1, 2, 2])

    static func randomObject(_ rng: inout RandomGenerator) -> SyntheticShapes.Object { world.randomObject(&rng) }

    static func draw(_ objects: [SyntheticShapes.Object]) -> (images: Tensor, masks: Tensor) { world.draw(objects) }

    static func batch(count: Int, seed: UInt64) -> LabelledBatch {
        let (images, labels) = world.batch(count: count, seed: seed)
        return LabelledBatch(images: images, labels: labels)
    }

    static func caption(_ labels: [Int]) -> [String: String] { world.caption(labels) }
}
