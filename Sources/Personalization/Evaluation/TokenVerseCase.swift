import World

/// One prompt of the DreamBench-Abs-style evaluation on the world: a scene to describe, the
/// concepts (image index and words) whose Δ is added to its words, and what each image must show.
struct TokenVerseCase: Sendable {
    /// single (one concept), or multi-2 / multi-3 (concepts from different images).
    var group: String
    /// The concept kind for single cases (object, pattern, colour tone, background), else "composed".
    var kind: String
    var scene: Scene
    /// (concept image index, words) per composed concept.
    var sources: [(image: Int, words: [String])]
    /// The concept attributes: evaluator attribute → class (from the concept images).
    var concept: [String: String]
    /// The prompt's other attributes.
    var other: [String: String]

    var prompt: String { scene.caption }

    /// The kinds of single-concept case: the attributes a kind keeps from its concept image, by
    /// evaluator attribute name.
    static let kinds: [(name: String, attributes: [String])] = [
        ("object", ["colour", "shape"]), ("pattern", ["pattern"]), ("colour tone", ["colour"]), ("background", ["background"]),
    ]

    /// The world's word for `attribute` of `scene`.
    static func word(_ attribute: String, of scene: Scene) -> String {
        switch attribute {
        case "colour": return scene.object.colour.rawValue
        case "shape": return scene.object.shape.rawValue
        case "pattern": return scene.object.pattern.rawValue
        case "size": return scene.object.size.rawValue
        default: return scene.background.rawValue
        }
    }

    static let attributes = ["shape", "colour", "pattern", "size", "background"]

    /// `scene` with `attribute` set to the world's `value` (one of its words).
    static func setting(_ attribute: String, to value: String, in scene: Scene) -> Scene {
        var scene = scene
        switch attribute {
        case "colour": scene.object.colour = ObjectColour(rawValue: value) ?? scene.object.colour
        case "shape": scene.object.shape = ObjectShape(rawValue: value) ?? scene.object.shape
        case "pattern": scene.object.pattern = ObjectPattern(rawValue: value) ?? scene.object.pattern
        case "size": scene.object.size = ObjectSize(rawValue: value) ?? scene.object.size
        default: scene.background = Background(rawValue: value) ?? scene.background
        }
        return scene
    }

    /// The values `attribute` can take.
    static func values(of attribute: String) -> [String] {
        switch attribute {
        case "colour": return ObjectColour.allCases.map(\.rawValue)
        case "shape": return ObjectShape.allCases.map(\.rawValue)
        case "pattern": return ObjectPattern.allCases.map(\.rawValue)
        case "size": return ObjectSize.allCases.map(\.rawValue)
        default: return Background.allCases.map(\.rawValue)
        }
    }
}
