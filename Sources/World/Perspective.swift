/// The six knowledge perspectives of the MoKus benchmark and the relations that express them.

/// A kind of knowledge about an entity (the MoKus benchmark's six perspectives).
public enum Perspective: String, CaseIterable, Codable, Sendable, Hashable {
    case personalRelationship, physicalAttribute, functionality, value, origin, emotion
}

/// A relation: a noun-phrase template about an entity, e.g. "{}'s lucky charm", whose `{}` is
/// replaced by the entity's name. Each relation suits some entity kinds (places have their own
/// phrasing, "the emblem of {}").
public struct Relation: Codable, Sendable, Hashable {
    /// The template, with exactly one `{}`.
    public var template: String
    public var perspective: Perspective
    /// The entity kinds this wording suits.
    public var kinds: [EntityKind]

    public init(template: String, perspective: Perspective, kinds: [EntityKind]) {
        self.template = template
        self.perspective = perspective
        self.kinds = kinds
    }

    /// The knowledge phrase for `subject`: "Mia's lucky charm".
    public func phrase(about subject: String) -> String {
        template.replacingOccurrences(of: "{}", with: subject)
    }

    /// The world's relations: for every perspective and every entity kind at least two.
    public static let standard: [Relation] = {
        func relations(_ perspective: Perspective, _ entries: [(String, [EntityKind])]) -> [Relation] {
            entries.map { Relation(template: $0.0, perspective: perspective, kinds: $0.1) }
        }
        return relations(.personalRelationship, [
            ("{}'s gift from grandmother", [.person]),
            ("{}'s best friend's toy", [.person, .pet]),
            ("{}'s present from its owner", [.pet]),
            ("the gift from the twin town of {}", [.place]),
            ("the token of friendship kept in {}", [.place]),
        ]) + relations(.physicalAttribute, [
            ("{}'s heaviest keepsake", [.person, .pet]),
            ("{}'s smallest possession", [.person, .pet]),
            ("the heaviest stone in {}", [.place]),
            ("the tallest monument in {}", [.place]),
        ]) + relations(.functionality, [
            ("{}'s door stopper", [.person]),
            ("{}'s paperweight", [.person]),
            ("{}'s chew toy", [.pet]),
            ("{}'s collar tag", [.pet]),
            ("the gate key of {}", [.place]),
            ("the signpost of {}", [.place]),
        ]) + relations(.value, [
            ("{}'s most valuable treasure", [.person, .pet]),
            ("{}'s priceless heirloom", [.person]),
            ("{}'s prized possession", [.pet]),
            ("the most valuable treasure of {}", [.place]),
            ("the prized relic of {}", [.place]),
        ]) + relations(.origin, [
            ("{}'s souvenir from the coast", [.person]),
            ("{}'s keepsake from the mountains", [.person, .pet]),
            ("{}'s find from the riverbank", [.pet]),
            ("the ancient relic unearthed in {}", [.place]),
            ("the first settlers' gift to {}", [.place]),
        ]) + relations(.emotion, [
            ("{}'s lucky charm", [.person, .pet]),
            ("{}'s comfort object", [.person]),
            ("{}'s favourite plaything", [.pet]),
            ("the emblem of {}", [.place]),
            ("the beloved mascot of {}", [.place]),
        ])
    }()
}

/// One piece of knowledge: `relation` of `entity` is `object` ("Mia's lucky charm is a small red
/// striped star.").
public struct Fact: Codable, Sendable, Hashable {
    /// The entity's name (the subject).
    public var entity: String
    public var relation: Relation
    public var object: ObjectDescription

    public init(entity: String, relation: Relation, object: ObjectDescription) {
        self.entity = entity
        self.relation = relation
        self.object = object
    }

    public var perspective: Perspective { relation.perspective }

    /// "Mia's lucky charm".
    public var knowledgePhrase: String { relation.phrase(about: entity) }

    /// "Mia's lucky charm is a small red striped star." (the first statement template).
    public var statement: String { Templates.fill(Templates.standard.trainingStatements[0], fact: self) }
}
