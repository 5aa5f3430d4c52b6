import Foundation
import MoKus
import Tensors
import World

/// The KnowCus suite of a world (`mokus bench knowcus --world`): its reserved concepts (never in a
/// generator caption) as the concepts, knowledge from MoKus's six perspectives, and five prompts.
enum KnowCusWorldSuite {
    /// The concept images' background; the background prompt asks for maroon instead.
    static let background = Background.teal

    /// Concepts `concepts` (indices into the reserved concepts), `images` renders each on teal
    /// (seed 1, as `mokus demo`) with their exact masks, anchor "sks <shape>", and `statements` statements
    /// each (at most 6, one per perspective in ``Perspective`` order).
    static func suite(world: World, name: String, concepts: [Int], images: Int, statements: Int) throws -> KnowCusSuite {
        KnowCusSuite(name: name, concepts: try concepts.map { index in
            let captions = try world.conceptCaptions(concept: index, count: images, background: background, seed: 1)
            let renders = try captions.map { try Renderer.render($0.scene) }
            let object = captions[0].scene.object
            let side = renders[0].image.width
            return KnowCusConcept(
                name: object.phrase, anchor: "sks " + object.shape.rawValue,
                images: Tensor.concat(renders.map { $0.tensor.expandingDims(at: 0) }, axis: 0),
                masks: Tensor(shape: [renders.count, 1, side, side], scalars: renders.flatMap { $0.mask.map(Float.init) }),
                knowledge: Array(knowledge(concept: index).prefix(statements)), prompts: prompts(object))
        })
    }

    /// One statement per perspective, "my …": the person-suited relations of the world ("{}'s lucky
    /// charm" → "my lucky charm"), the concept's index choosing among each perspective's.
    static func knowledge(concept: Int) -> [KnowCusStatement] {
        Perspective.allCases.map { perspective in
            let relations = Relation.standard.filter { $0.perspective == perspective && $0.kinds.contains(.person) }
            let relation = relations[concept % relations.count]
            return KnowCusStatement(
                text: relation.template.replacingOccurrences(of: "{}'s", with: "my"), perspective: perspective.rawValue)
        }
    }

    /// The reconstruction prompt and the four generation kinds. The world has no second object, so
    /// "new object" is a size change (the closest analogue: a change of the object's extent),
    /// style is a colour change and attribute modification a pattern change.
    static func prompts(_ object: ObjectDescription) -> [KnowCusPrompt] {
        let own = ["size": object.size.rawValue, "colour": object.colour.rawValue, "pattern": object.pattern.rawValue,
                   "shape": object.shape.rawValue]
        func other<T: CaseIterable & Equatable>(_ value: T) -> T where T.AllCases.Index == Int {
            let all = T.allCases
            guard let index = all.firstIndex(of: value) else { preconditionFailure("\(value) is one of its type's cases") }
            return all[(index + 1) % all.count]
        }
        func change(_ kind: KnowCusPromptKind, _ attribute: String, _ value: String, _ template: String) -> KnowCusPrompt {
            KnowCusPrompt(kind: kind, template: template, expected: own.merging([attribute: value]) { $1 }, requested: [attribute: value])
        }
        let backdrop = Background.maroon
        let size = other(object.size).rawValue
        let colour = other(object.colour).rawValue
        let pattern = other(object.pattern).rawValue
        return [
            KnowCusPrompt(kind: .reconstruction, template: "{}", expected: own, requested: [:]),
            change(.background, "background", backdrop.rawValue, "{} " + backdrop.phrase),
            change(.newObject, "size", size, "a \(size) {}"),
            change(.style, "colour", colour, "a \(colour) {}"),
            change(.attribute, "pattern", pattern, "a \(pattern) {}"),
        ]
    }
}
