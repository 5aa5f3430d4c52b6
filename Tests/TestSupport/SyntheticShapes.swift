import Tensors

/// A synthetic world drawn by simple code, for the image evaluator's tests and benchmark: one
/// filled square, disc or triangle of one of three colours, small or large, optionally solid or
/// striped, at a jittered position on a black or grey background, with per-image brightness
/// jitter. Images are `[B, 3, size, size]` in [0, 1].
public struct SyntheticShapes: Sendable {
    /// Image extent S.
    public let size: Int
    /// Whether a `pattern` attribute (solid, striped: every other pixel row darkened) is drawn.
    public let patterned: Bool

    public init(size: Int, patterned: Bool = false) {
        self.size = size
        self.patterned = patterned
    }

    /// The attributes and their classes, in label order.
    public var attributes: [(name: String, classes: [String])] {
        [("shape", ["square", "disc", "triangle"]), ("colour", ["red", "green", "blue"]), ("size", ["small", "large"]),
         ("background", ["black", "grey"])] + (patterned ? [("pattern", ["solid", "striped"])] : [])
    }

    static let colours: [[Float]] = [[0.9, 0.1, 0.1], [0.1, 0.8, 0.2], [0.15, 0.25, 0.95]]
    static let backgrounds: [Float] = [0.05, 0.5]

    /// Radius of a small and a large object: ¼ and 7/16 of the image.
    var radii: [Float] { [Float(size) / 4, Float(size) * 7 / 16] }

    /// One object's description and placement.
    public struct Object: Sendable {
        /// Class index per attribute: shape, colour, size, background (, pattern).
        public var labels: [Int]
        public var centre: (x: Float, y: Float)
        public var brightness: Float
    }

    /// A random object with its labels drawn uniformly.
    public func randomObject(_ rng: inout RandomGenerator) -> Object {
        let labels = attributes.map { rng.nextInt(in: 0..<$0.classes.count) }
        let margin = Float(size) / 2 - radii[labels[2]] - 0.5
        return Object(
            labels: labels,
            centre: (Float(size) / 2 + (2 * rng.nextUnitFloat() - 1) * margin,
                     Float(size) / 2 + (2 * rng.nextUnitFloat() - 1) * margin),
            brightness: 0.85 + 0.15 * rng.nextUnitFloat())
    }

    /// Whether pixel (x, y) (its centre) lies inside the object.
    func covers(_ object: Object, x: Int, y: Int) -> Bool {
        let r = radii[object.labels[2]]
        let dx = Float(x) + 0.5 - object.centre.x, dy = Float(y) + 0.5 - object.centre.y
        switch object.labels[0] {
        case 0: return abs(dx) <= 0.85 * r && abs(dy) <= 0.85 * r
        case 1: return dx * dx + dy * dy <= r * r
        default: return dy >= -r && dy <= r && abs(dx) <= (dy + r) / 2
        }
    }

    /// Images of `objects` and their object masks (`[B, 1, size, size]`, 1 on the object).
    public func draw(_ objects: [Object]) -> (images: Tensor, masks: Tensor) {
        let plane = size * size
        var maskValues = [Float](repeating: 0, count: objects.count * plane)
        var values = [Float](repeating: 0, count: objects.count * 3 * plane)
        for (n, object) in objects.enumerated() {
            let colour = Self.colours[object.labels[1]].map { $0 * object.brightness }
            let background = Self.backgrounds[object.labels[3]] * object.brightness
            let striped = patterned && object.labels[4] == 1
            for y in 0..<size {
                let shade: Float = striped && y % 2 == 1 ? 0.4 : 1
                for x in 0..<size {
                    let inside = covers(object, x: x, y: y)
                    maskValues[n * plane + y * size + x] = inside ? 1 : 0
                    for c in 0..<3 {
                        values[(n * 3 + c) * plane + y * size + x] = inside ? colour[c] * shade : background
                    }
                }
            }
        }
        return (Tensor(shape: [objects.count, 3, size, size], scalars: values),
                Tensor(shape: [objects.count, 1, size, size], scalars: maskValues))
    }

    /// `count` random images and their label rows.
    public func batch(count: Int, seed: UInt64) -> (images: Tensor, labels: [[Int]]) {
        var rng = RandomGenerator(seed: seed)
        let objects = (0..<count).map { _ in randomObject(&rng) }
        return (draw(objects).images, objects.map(\.labels))
    }

    /// The caption (attribute name → class name) that describes `labels` exactly.
    public func caption(_ labels: [Int]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: attributes.enumerated().map { ($1.name, $1.classes[labels[$0]]) })
    }
}
