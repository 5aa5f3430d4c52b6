/// The four attributes that describe every object of the tiny world, and their words.
///
/// Each enum's raw value is the word used in text ("small", "red", "striped", "star"), so a
/// description round-trips through JSON and through the phrases built from it.

/// An object's outline (8 shapes, each with an analytic inside test in ``ShapeGeometry``).
public enum ObjectShape: String, CaseIterable, Codable, Sendable, Hashable {
    case circle, square, triangle, star, heart, diamond, hexagon, cross
}

/// An object's main colour (8 colours; ``ObjectColour/rgb`` and ``ObjectColour/patternRGB``).
public enum ObjectColour: String, CaseIterable, Codable, Sendable, Hashable {
    case red, orange, yellow, green, blue, purple, pink, white

    /// The sRGB bytes of the object's body.
    public var rgb: [UInt8] {
        switch self {
        case .red: [230, 40, 40]
        case .orange: [255, 140, 0]
        case .yellow: [255, 230, 40]
        case .green: [40, 200, 60]
        case .blue: [50, 110, 255]
        case .purple: [160, 60, 220]
        case .pink: [255, 120, 200]
        case .white: [250, 250, 250]
        }
    }

    /// The sRGB bytes of the pattern drawn on the body: a clearly lighter shade for the saturated
    /// colours (red, orange, green, blue, purple) and a darker one for the light colours (yellow,
    /// pink, white), so both the body and the pattern contrast with every ``Background``.
    public var patternRGB: [UInt8] {
        switch self {
        case .red: [255, 175, 175]
        case .orange: [255, 215, 150]
        case .yellow: [170, 140, 0]
        case .green: [170, 255, 170]
        case .blue: [170, 200, 255]
        case .purple: [225, 175, 255]
        case .pink: [175, 30, 115]
        case .white: [155, 155, 155]
        }
    }
}

/// What is drawn inside the shape, in ``ObjectColour/patternRGB`` (4 patterns).
public enum ObjectPattern: String, CaseIterable, Codable, Sendable, Hashable {
    case solid, striped, dotted, checkered
}

/// How large the object is drawn: small ≈ 13 px across, large ≈ 23 px across on 32×32.
public enum ObjectSize: String, CaseIterable, Codable, Sendable, Hashable {
    case small, large
}

/// One object of the world: the answer of every fact and the content of every image.
///
/// `phrase` is always the four words in the order size, colour, pattern, shape with the article
/// "a": "a small red striped star".
public struct ObjectDescription: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var size: ObjectSize
    public var colour: ObjectColour
    public var pattern: ObjectPattern
    public var shape: ObjectShape

    public init(size: ObjectSize, colour: ObjectColour, pattern: ObjectPattern, shape: ObjectShape) {
        self.size = size
        self.colour = colour
        self.pattern = pattern
        self.shape = shape
    }

    /// "a small red striped star".
    public var phrase: String { "a \(attributeWords)" }

    /// The phrase without its article: "small red striped star".
    public var attributeWords: String { "\(size.rawValue) \(colour.rawValue) \(pattern.rawValue) \(shape.rawValue)" }

    public var description: String { phrase }

    /// Every description (2 × 8 × 4 × 8 = 512), in a fixed order (size, colour, pattern, shape:
    /// each in its enum's declaration order), so index-based sampling is reproducible.
    public static let all: [ObjectDescription] = ObjectSize.allCases.flatMap { size in
        ObjectColour.allCases.flatMap { colour in
            ObjectPattern.allCases.flatMap { pattern in
                ObjectShape.allCases.map { ObjectDescription(size: size, colour: colour, pattern: pattern, shape: $0) }
            }
        }
    }

    /// The position in ``all``.
    public var index: Int {
        func position<T: CaseIterable & Equatable>(_ value: T) -> Int {
            T.allCases.firstIndex(of: value).map { T.allCases.distance(from: T.allCases.startIndex, to: $0) } ?? 0
        }
        return ((position(size) * ObjectColour.allCases.count + position(colour)) * ObjectPattern.allCases.count
            + position(pattern)) * ObjectShape.allCases.count + position(shape)
    }

    public static func < (lhs: ObjectDescription, rhs: ObjectDescription) -> Bool { lhs.index < rhs.index }

    /// The attribute words of the whole world (sizes, colours, patterns, shapes), which no entity
    /// name may equal.
    public static var attributeWords: Set<String> {
        Set(ObjectSize.allCases.map(\.rawValue) + ObjectColour.allCases.map(\.rawValue)
            + ObjectPattern.allCases.map(\.rawValue) + ObjectShape.allCases.map(\.rawValue))
    }
}

/// The solid colour behind the object (6 backgrounds), chosen dark and muted so that every
/// object colour and every pattern shade stands out against each of them (a unit test checks a
/// minimum RGB distance).
public enum Background: String, CaseIterable, Codable, Sendable, Hashable {
    case black, grey, brown, navy, teal, maroon

    /// The sRGB bytes of the background.
    public var rgb: [UInt8] {
        switch self {
        case .black: [0, 0, 0]
        case .grey: [70, 70, 70]
        case .brown: [90, 55, 30]
        case .navy: [15, 25, 80]
        case .teal: [0, 90, 90]
        case .maroon: [90, 15, 35]
        }
    }

    /// "on a grey background".
    public var phrase: String { "on a \(rawValue) background" }
}
