import Tensors

/// Captions for training the image generator: each pairs a text with the scene it describes.
extension World {
    /// `count` captions drawn with `seed`. With probability `knowledgeCaptionFraction` a caption names
    /// a captioned entity's fact ("Mia's lucky charm on a grey background", scene of that fact's
    /// object); otherwise it describes a non-reserved object directly ("a small red striped star on
    /// a grey background"). Held-out entities and reserved concepts never appear, and no object is
    /// shown on its held-out background (``heldOutBackgrounds``).
    public func captions(count: Int, seed: UInt64 = 0) -> [Caption] {
        var random = RandomGenerator(seed: seed)
        let knowledge = captionedFacts, objects = answerObjects, heldOut = heldOutBackgrounds
        return (0..<max(count, 0)).map { _ in
            if !knowledge.isEmpty && random.nextUnitDouble() < configuration.knowledgeCaptionFraction {
                let fact = knowledge[random.nextInt(in: 0..<knowledge.count)]
                return knowledgeCaption(fact, scene: Scene.random(fact.object, excluding: heldOut[fact.object], using: &random))
            }
            let object = objects[random.nextInt(in: 0..<objects.count)]
            let scene = Scene.random(object, excluding: heldOut[object], using: &random)
            return Caption(text: scene.caption, scene: scene, fact: nil)
        }
    }

    /// For each answer object, the one background no generator caption shows it on (drawn uniformly
    /// per object, in ``answerObjects`` order, from a generator seeded with the world's seed). Direct
    /// and knowledge prompts on these backgrounds are prompts the generator never saw
    /// (``heldOutDirectCaptions(seed:)``, ``captionedEntityEvaluationCaptions(seed:)``); every object still appears on the other backgrounds and
    /// every background with other objects.
    public var heldOutBackgrounds: [ObjectDescription: Background] {
        var random = RandomGenerator(seed: configuration.seed ^ Self.heldOutBackgroundSalt)
        let backgrounds = Background.allCases
        return Dictionary(uniqueKeysWithValues: answerObjects.map {
            ($0, backgrounds[random.nextInt(in: 0..<backgrounds.count)])
        })
    }

    /// Separates the held-out background draw from the world's generation stream ("HELDOUTB").
    static let heldOutBackgroundSalt: UInt64 = 0x4845_4C44_4F55_5442
}

/// A generator training pair: the caption text and the scene to render for it.
public struct Caption: Codable, Sendable, Hashable {
    public var text: String
    public var scene: Scene
    /// The fact the text names, for knowledge captions; `nil` for direct descriptions.
    public var fact: Fact?

    public init(text: String, scene: Scene, fact: Fact?) {
        self.text = text
        self.scene = scene
        self.fact = fact
    }
}
