import Evaluator
import Tensors

/// A synthetic world drawn by simple code in the tests: one filled square, disc or triangle of
/// one of three colours, small or large, at a jittered position on a black or grey background,
/// with per-image brightness jitter. Images are `[B, 3, size, size]` in [0, 1].
enum TinyShapes {
    static let size = 16

    static let schema = try! AttributeSchema([
        ImageAttribute(name: "shape", classes: ["square", "disc", "triangle"]),
        ImageAttribute(name: "colour", classes: ["red", "green", "blue"]),
        ImageAttribute(name: "size", classes: ["small", "large"]),
        ImageAttribute(name: "background", classes: ["black", "grey"]),
    ])

    /// The small architecture the tests train in debug builds.
    static let configuration = try! EvaluatorConfiguration(
        schema: schema, imageSize: size, channels: [8, 32, 64], strides: [1, 2, 2])

    static let colours: [[Float]] = [[0.9, 0.1, 0.1], [0.1, 0.8, 0.2], [0.15, 0.25, 0.95]]
    static let backgrounds: [Float] = [0.05, 0.5]
    static let radii: [Float] = [4, 7]

    /// One object's description and placement.
    struct Object {
        var labels: [Int]           // shape, colour, size, background
        var centre: (x: Float, y: Float)
        var brightness: Float
    }

    /// A random object with its labels drawn uniformly.
    static func randomObject(_ rng: inout RandomGenerator) -> Object {
        let labels = schema.attributes.map { rng.nextInt(in: 0..<$0.classes.count) }
        let radius = radii[labels[2]]
        let margin = Float(size) / 2 - radius - 0.5
        return Object(
            labels: labels,
            centre: (Float(size) / 2 + (2 * rng.nextUnitFloat() - 1) * margin,
                     Float(size) / 2 + (2 * rng.nextUnitFloat() - 1) * margin),
            brightness: 0.85 + 0.15 * rng.nextUnitFloat())
    }

    /// Whether pixel (x, y) (its centre) lies inside the object.
    static func covers(_ object: Object, x: Int, y: Int) -> Bool {
        let r = radii[object.labels[2]]
        let dx = Float(x) + 0.5 - object.centre.x, dy = Float(y) + 0.5 - object.centre.y
        switch object.labels[0] {
        case 0: return abs(dx) <= 0.85 * r && abs(dy) <= 0.85 * r
        case 1: return dx * dx + dy * dy <= r * r
        default: return dy >= -r && dy <= r && abs(dx) <= (dy + r) / 2
        }
    }

    /// Images of `objects` and their object masks (`[B, 1, size, size]`, 1 on the object).
    static func draw(_ objects: [Object]) -> (images: Tensor, masks: Tensor) {
        let plane = size * size
        var maskValues = [Float](repeating: 0, count: objects.count * plane)
        var values = [Float](repeating: 0, count: objects.count * 3 * plane)
        for (n, object) in objects.enumerated() {
            let colour = colours[object.labels[1]].map { $0 * object.brightness }
            let background = backgrounds[object.labels[3]] * object.brightness
            for y in 0..<size {
                for x in 0..<size {
                    let inside = covers(object, x: x, y: y)
                    maskValues[n * plane + y * size + x] = inside ? 1 : 0
                    for c in 0..<3 { values[(n * 3 + c) * plane + y * size + x] = inside ? colour[c] : background }
                }
            }
        }
        return (Tensor(shape: [objects.count, 3, size, size], scalars: values),
                Tensor(shape: [objects.count, 1, size, size], scalars: maskValues))
    }

    /// `count` random labelled images.
    static func batch(count: Int, seed: UInt64) -> LabelledBatch {
        var rng = RandomGenerator(seed: seed)
        let objects = (0..<count).map { _ in randomObject(&rng) }
        return LabelledBatch(images: draw(objects).images, labels: objects.map(\.labels))
    }

    /// The caption (attribute name → class name) that describes `labels` exactly.
    static func caption(_ labels: [Int]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: schema.attributes.enumerated().map { ($1.name, $1.classes[labels[$0]]) })
    }
}
