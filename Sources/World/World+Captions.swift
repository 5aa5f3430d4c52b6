import Tensors

/// Captions for training the image generator: each pairs a text with the scene it describes.
extension World {
    /// `count` captions drawn with `seed`. With probability `knowledgeCaptionFraction` a caption names
    /// a captioned entity's fact ("Mia's lucky charm on a grey background", scene of that fact's
    /// object); otherwise it describes a non-reserved object directly ("a small red striped star on
    /// a grey background"). Held-out entities and reserved concepts never appear.
    public func captions(count: Int, seed: UInt64 = 0) -> [Caption] {
        var random = RandomGenerator(seed: seed)
        let knowledge = captionedFacts, objects = answerObjects
        return (0..<max(count, 0)).map { _ in
            if !knowledge.isEmpty && random.nextUnitDouble() < configuration.knowledgeCaptionFraction {
                let fact = knowledge[random.nextInt(in: 0..<knowledge.count)]
                let scene = Scene.random(fact.object, using: &random)
                return Caption(text: knowledgeCaption(fact, background: scene.background), scene: scene, fact: fact)
            }
            let scene = Scene.random(objects[random.nextInt(in: 0..<objects.count)], using: &random)
            return Caption(text: scene.caption, scene: scene, fact: nil)
        }
    }
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
