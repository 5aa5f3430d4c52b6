import Tensors
import World

extension TokenVerseCase {
    /// The concept images' scenes: reserved concept i (no caption of the world's training shows it)
    /// on a background drawn from `random`, centred.
    static func conceptScenes(world: World, count: Int, random: inout RandomGenerator) -> [Scene] {
        world.splits.reservedConcepts.prefix(count).map { object in
            Scene(object: object, background: Background.allCases[random.nextInt(in: 0..<Background.allCases.count)])
        }
    }

    /// The words a concept image is learned with: its colour, pattern, shape and background.
    static func conceptWords(of scene: Scene) -> [String] {
        ["colour", "pattern", "shape", "background"].map { word($0, of: scene) }
    }

    /// Per concept image, one single-concept case of every kind, then for every image i a composed
    /// case of two concepts (i's object, image i+1's pattern) and of three (also image i+2's
    /// background), indices mod the count. Attributes a case does not take from a concept image
    /// are drawn from `random`, different from every concept image's value it composes, so the
    /// prompt asks for something the concept images do not show.
    static func cases(concepts: [Scene], random: inout RandomGenerator) -> [TokenVerseCase] {
        let count = concepts.count
        func compose(group: String, kind: String, parts: [(image: Int, attributes: [String])]) -> TokenVerseCase {
            var scene = concepts[parts[0].image]
            var concept: [String: String] = [:]
            for part in parts {
                for attribute in part.attributes {
                    let value = word(attribute, of: concepts[part.image])
                    scene = setting(attribute, to: value, in: scene)
                    concept[attribute] = value
                }
            }
            var other: [String: String] = [:]
            for attribute in attributes where concept[attribute] == nil {
                let shown = Set(parts.map { word(attribute, of: concepts[$0.image]) })
                let choices = values(of: attribute).filter { !shown.contains($0) }
                let value = choices.isEmpty ? word(attribute, of: scene) : choices[random.nextInt(in: 0..<choices.count)]
                scene = setting(attribute, to: value, in: scene)
                other[attribute] = value
            }
            return TokenVerseCase(
                group: group, kind: kind, scene: scene,
                sources: parts.map { part in (part.image, part.attributes.map { word($0, of: concepts[part.image]) }) },
                concept: concept, other: other)
        }
        var cases: [TokenVerseCase] = []
        for image in 0..<count {
            for kind in kinds { cases.append(compose(group: "single", kind: kind.name, parts: [(image, kind.attributes)])) }
        }
        for image in 0..<count {
            let object = (image, ["colour", "shape"]), pattern = ((image + 1) % count, ["pattern"])
            cases.append(compose(group: "multi-2", kind: "object + pattern", parts: [object, pattern]))
            cases.append(compose(
                group: "multi-3", kind: "object + pattern + background",
                parts: [object, pattern, ((image + 2) % count, ["background"])]))
        }
        return cases
    }
}
