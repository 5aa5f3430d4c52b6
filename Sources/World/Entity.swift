import Tensors

/// The named entities that facts are about: people, pets and places.

/// What kind of thing an entity is; it decides which relation phrases suit it.
public enum EntityKind: String, CaseIterable, Codable, Sendable, Hashable {
    case person, pet, place
}

/// A named entity. `name` is the subject of its facts ("Mia", "Velmora Harbour").
public struct Entity: Codable, Sendable, Hashable {
    public var name: String
    public var kind: EntityKind

    public init(name: String, kind: EntityKind) {
        self.name = name
        self.kind = kind
    }
}

/// Invented, pronounceable names built from syllables.
///
/// A root is two or three syllables (onset + vowel, the last one with an optional coda),
/// capitalised, 4–8 letters. Roots are drawn until `count` of them are accepted; a root is rejected when it
/// equals or contains a word of the world's vocabulary, or when it is a substring of an accepted
/// root or contains one (case-insensitive), so no name is a prefix or substring of another.
/// Place names are a root and a place noun ("Velmora Harbour").
enum NameGenerator {
    static let onsets = ["b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z",
                         "br", "dr", "gr", "kr", "tr", "th", "sh", "ch", "st"]
    static let vowels = ["a", "e", "i", "o", "u", "ai", "ei", "ou"]
    static let codas = ["", "", "", "n", "l", "r", "s", "th", "m"]
    static let placeNouns = ["Harbour", "Hollow", "Ridge", "Falls", "Meadow", "Bay", "Crossing", "Vale", "Heights",
                             "Springs"]

    /// `count` roots drawn with `random`, unique and substring-free, none containing a word of
    /// `forbiddenWords` (lower case).
    static func roots(count: Int, forbiddenWords: Set<String>, using random: inout RandomGenerator) throws -> [String] {
        var accepted: [String] = []
        var attempts = 0
        while accepted.count < count {
            attempts += 1
            guard attempts <= count * 200 else {
                throw WorldError.invalidConfiguration(
                    key: "entity counts", expected: "at most the distinct names the syllables allow",
                    found: "\(count) names requested, \(accepted.count) found")
            }
            let syllableCount = random.nextInt(in: 0..<3) == 0 ? 3 : 2
            var root = ""
            for position in 0..<syllableCount {
                root += onsets[random.nextInt(in: 0..<onsets.count)] + vowels[random.nextInt(in: 0..<vowels.count)]
                if position == syllableCount - 1 { root += codas[random.nextInt(in: 0..<codas.count)] }
            }
            guard (4...8).contains(root.count),
                  !forbiddenWords.contains(where: { root.contains($0) }),
                  !accepted.contains(where: { $0.contains(root) || root.contains($0) })
            else { continue }
            accepted.append(root)
        }
        return accepted.map { $0.prefix(1).uppercased() + $0.dropFirst() }
    }
}
