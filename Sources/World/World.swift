import Tensors

/// The tiny world: named entities, one fact per entity and perspective, the splits that keep some
/// knowledge and some objects out of training, and the templates text is written with.
///
/// A world is a pure function of its ``WorldConfiguration`` (names, facts, splits and reserved
/// concepts are drawn from one seeded `RandomGenerator`); it is saved as `world.json`
/// (``save(to:)``, ``load(from:)``). Text and images are produced from it on demand: the encoder
/// corpus (``corpus(seed:)``), evaluation questions (``factQuestions()``), edit requests
/// (``editRequests(count:seed:)``) and generator captions (``captions(count:seed:)``).
public struct World: Codable, Sendable, Hashable {
    /// The world.json layout version this code reads and writes.
    public static let formatVersion = 1

    public var formatVersion: Int
    public var configuration: WorldConfiguration
    /// The attribute and background words, as stored in world.json (checked on load).
    public var vocabulary: Vocabulary
    /// People, then pets, then places, each in generation order.
    public var entities: [Entity]
    /// The relations facts may use.
    public var relations: [Relation]
    /// For each entity (in ``entities`` order) one fact per ``Perspective`` (in declaration order).
    public var facts: [Fact]
    public var splits: WorldSplits
    public var templates: Templates

    /// Generates the world of `configuration`.
    /// - Throws: ``WorldError/invalidConfiguration(key:expected:found:)`` for bad counts or fractions,
    ///   or when the name syllables cannot give enough distinct names.
    public static func generate(configuration: WorldConfiguration = WorldConfiguration()) throws -> World {
        try configuration.validate()
        var random = RandomGenerator(seed: configuration.seed)
        let relations = Relation.standard
        let forbidden = ObjectDescription.attributeWords.union(Background.allCases.map(\.rawValue))
            .union(NameGenerator.placeNouns.map { $0.lowercased() })
        let roots = try NameGenerator.roots(count: configuration.entityCount, forbiddenWords: forbidden, using: &random)
        let (people, pets) = (configuration.personCount, configuration.petCount)
        let entities = roots.enumerated().map { index, root in
            if index < people { return Entity(name: root, kind: .person) }
            if index < people + pets { return Entity(name: root, kind: .pet) }
            let noun = NameGenerator.placeNouns[random.nextInt(in: 0..<NameGenerator.placeNouns.count)]
            return Entity(name: "\(root) \(noun)", kind: .place)
        }

        guard configuration.reservedConceptCount < ObjectDescription.all.count else {
            throw WorldError.invalidConfiguration(
                key: "reservedConceptCount", expected: "fewer than \(ObjectDescription.all.count)",
                found: "\(configuration.reservedConceptCount)")
        }
        let reserved = random.permutation(ObjectDescription.all.count).prefix(configuration.reservedConceptCount)
            .sorted().map { ObjectDescription.all[$0] }
        let reservedSet = Set(reserved)
        let answers = ObjectDescription.all.filter { !reservedSet.contains($0) }

        var facts: [Fact] = []
        for entity in entities {
            for perspective in Perspective.allCases {
                let choices = relations.filter { $0.perspective == perspective && $0.kinds.contains(entity.kind) }
                let relation = choices[random.nextInt(in: 0..<choices.count)]
                facts.append(Fact(entity: entity.name, relation: relation,
                                  object: answers[random.nextInt(in: 0..<answers.count)]))
            }
        }

        var heldOut = Set<String>()
        for kind in EntityKind.allCases {
            let members = entities.filter { $0.kind == kind }
            let count = Int((Double(members.count) * configuration.heldOutFraction).rounded())
            for index in random.permutation(members.count).prefix(count) { heldOut.insert(members[index].name) }
        }
        let splits = WorldSplits(
            captionedEntities: entities.map(\.name).filter { !heldOut.contains($0) },
            heldOutEntities: entities.map(\.name).filter { heldOut.contains($0) },
            reservedConcepts: reserved)
        return World(formatVersion: formatVersion, configuration: configuration, vocabulary: .standard,
                     entities: entities, relations: relations, facts: facts, splits: splits, templates: .standard)
    }

    /// The facts about `entity` (one per perspective).
    public func facts(about entity: String) -> [Fact] { facts.filter { $0.entity == entity } }

    /// Whether the knowledge phrases of `entity` may appear in generator captions.
    public func isCaptioned(_ entity: String) -> Bool { captionedSet.contains(entity) }

    /// Object descriptions that facts and captions may use: all but the reserved concepts, in
    /// ``ObjectDescription/all`` order.
    public var answerObjects: [ObjectDescription] {
        let reserved = Set(splits.reservedConcepts)
        return ObjectDescription.all.filter { !reserved.contains($0) }
    }

    /// The facts of captioned entities.
    public var captionedFacts: [Fact] { facts.filter { isCaptioned($0.entity) } }

    private var captionedSet: Set<String> { Set(splits.captionedEntities) }
}

/// Which entities and objects each use of the world may see.
public struct WorldSplits: Codable, Sendable, Hashable {
    /// Entities whose knowledge phrases may appear in generator captions (~70% of each kind).
    public var captionedEntities: [String]
    /// Entities whose knowledge phrases appear in no caption (~30% of each kind).
    public var heldOutEntities: [String]
    /// Customization concepts: descriptions used by no fact and no caption.
    public var reservedConcepts: [ObjectDescription]

    public init(captionedEntities: [String], heldOutEntities: [String], reservedConcepts: [ObjectDescription]) {
        self.captionedEntities = captionedEntities
        self.heldOutEntities = heldOutEntities
        self.reservedConcepts = reservedConcepts
    }
}

/// The words of the world's attributes and backgrounds, as world.json records them.
public struct Vocabulary: Codable, Sendable, Hashable {
    public var sizes: [String]
    public var colours: [String]
    public var patterns: [String]
    public var shapes: [String]
    public var backgrounds: [String]

    /// The words of this code's enums, in declaration order.
    public static let standard = Vocabulary(
        sizes: ObjectSize.allCases.map(\.rawValue), colours: ObjectColour.allCases.map(\.rawValue),
        patterns: ObjectPattern.allCases.map(\.rawValue), shapes: ObjectShape.allCases.map(\.rawValue),
        backgrounds: Background.allCases.map(\.rawValue))
}
