import Tensors

/// Prompts for measuring the generator on text it was never trained on (docs/world.md, "Generator").
///
/// Each list is deterministic in `seed` (which draws only positions and, for held-out entities,
/// backgrounds); none of its texts is a generator training caption: direct and captioned-entity
/// prompts put the object on its held-out background (``heldOutBackgrounds``), and held-out
/// entities are never captioned at all.
extension World {
    /// Every answer object described directly on its held-out background.
    public func heldOutDirectCaptions(seed: UInt64 = 0) -> [Caption] {
        var random = RandomGenerator(seed: seed)
        let heldOut = heldOutBackgrounds
        return answerObjects.compactMap { object in
            guard let background = heldOut[object] else { return nil }
            let scene = Scene.random(object, on: background, using: &random)
            return Caption(text: scene.caption, scene: scene, fact: nil)
        }
    }

    /// Every fact of a captioned entity as a knowledge prompt on its object's held-out background.
    public func captionedEntityEvaluationCaptions(seed: UInt64 = 0) -> [Caption] {
        var random = RandomGenerator(seed: seed)
        let heldOut = heldOutBackgrounds
        return captionedFacts.compactMap { fact in
            guard let background = heldOut[fact.object] else { return nil }
            return knowledgeCaption(fact, scene: Scene.random(fact.object, on: background, using: &random))
        }
    }

    /// Every fact of a held-out entity as a knowledge prompt on a uniformly drawn background.
    public func heldOutEntityCaptions(seed: UInt64 = 0) -> [Caption] {
        var random = RandomGenerator(seed: seed)
        return facts.filter { !isCaptioned($0.entity) }.map { fact in
            knowledgeCaption(fact, scene: Scene.random(fact.object, using: &random))
        }
    }

    /// The knowledge prompt of `fact` for `scene` (the scene of the fact's object).
    func knowledgeCaption(_ fact: Fact, scene: Scene) -> Caption {
        Caption(text: knowledgeCaption(fact, background: scene.background), scene: scene, fact: fact)
    }
}

/// The caption lists a world gives: the generator's training captions and the evaluation prompts.
public enum CaptionSet: String, CaseIterable, Codable, Sendable {
    /// ``World/captions(count:seed:)``.
    case training
    /// ``World/heldOutDirectCaptions(seed:)``.
    case heldOutDirect = "held-out-direct"
    /// ``World/captionedEntityEvaluationCaptions(seed:)``.
    case captionedEntities = "captioned-entities"
    /// ``World/heldOutEntityCaptions(seed:)``.
    case heldOutEntities = "held-out-entities"
}

extension World {
    /// `count` captions of `set` drawn with `seed`: the first `count` of an evaluation list.
    public func captions(_ set: CaptionSet, count: Int, seed: UInt64 = 0) -> [Caption] {
        switch set {
        case .training: captions(count: count, seed: seed)
        case .heldOutDirect: Array(heldOutDirectCaptions(seed: seed).prefix(max(count, 0)))
        case .captionedEntities: Array(captionedEntityEvaluationCaptions(seed: seed).prefix(max(count, 0)))
        case .heldOutEntities: Array(heldOutEntityCaptions(seed: seed).prefix(max(count, 0)))
        }
    }
}
