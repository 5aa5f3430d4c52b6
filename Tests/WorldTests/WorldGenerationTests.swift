import Foundation
import TestSupport
import Testing
@testable import World

/// World generation: counts, names, facts, splits, determinism and world.json.
@Suite("World generation")
struct WorldGenerationTests {
    static let world = try! World.generate()

    @Test("counts: ≥ 240 entities of three kinds, one fact per perspective each, ≥ 16 reserved concepts")
    func counts() {
        let world = Self.world
        #expect(world.entities.count >= 240)
        #expect(world.entities.filter { $0.kind == .person }.count == 120)
        #expect(world.entities.filter { $0.kind == .pet }.count == 60)
        #expect(world.entities.filter { $0.kind == .place }.count == 60)
        #expect(world.facts.count >= 1440)
        #expect(Perspective.allCases.count == 6)
        for entity in world.entities {
            let facts = world.facts(about: entity.name)
            #expect(facts.map(\.perspective) == Perspective.allCases)
            #expect(facts.allSatisfy { $0.relation.kinds.contains(entity.kind) })
        }
        for perspective in Perspective.allCases {
            for kind in EntityKind.allCases {
                #expect(Relation.standard.filter { $0.perspective == perspective && $0.kinds.contains(kind) }.count >= 2)
            }
        }
        #expect(world.splits.reservedConcepts.count >= 16)
    }

    @Test("names are unique, none is a substring of another, none contains an attribute word")
    func names() {
        let roots = Self.world.entities.map { $0.kind == .place ? String($0.name.split(separator: " ")[0]) : $0.name }
            .map { $0.lowercased() }
        #expect(Set(roots).count == roots.count)
        for (i, a) in roots.enumerated() {
            for (j, b) in roots.enumerated() where i != j { #expect(!a.contains(b), "\(b) inside \(a)") }
            for word in ObjectDescription.attributeWords { #expect(!a.contains(word), "\(word) inside \(a)") }
        }
    }

    @Test("reserved concepts answer no fact; splits are ~30% held out per kind")
    func splits() {
        let world = Self.world
        let reserved = Set(world.splits.reservedConcepts)
        #expect(world.facts.allSatisfy { !reserved.contains($0.object) })
        let held = Set(world.splits.heldOutEntities)
        for kind in EntityKind.allCases {
            let members = world.entities.filter { $0.kind == kind }
            #expect(members.filter { held.contains($0.name) }.count == Int((Double(members.count) * 0.3).rounded()))
        }
        #expect(Set(world.splits.captionedEntities).isDisjoint(with: held))
    }

    @Test("phrases: object, fact statement and knowledge phrase")
    func phrases() throws {
        let object = ObjectDescription(size: .small, colour: .red, pattern: .striped, shape: .star)
        #expect(object.phrase == "a small red striped star")
        let relation = try #require(Relation.standard.first { $0.template == "{}'s lucky charm" })
        let fact = Fact(entity: "Mia", relation: relation, object: object)
        #expect(fact.knowledgePhrase == "Mia's lucky charm")
        #expect(fact.statement == "Mia's lucky charm is a small red striped star.")
        #expect(ObjectDescription.all.count == 512)
        #expect(ObjectDescription.all.enumerated().allSatisfy { $0.offset == $0.element.index })
    }

    @Test("the same seed gives the same world.json bytes; another seed differs")
    func determinism() throws {
        let again = try World.generate()
        #expect(try again.jsonData() == (try Self.world.jsonData()))
        var configuration = WorldConfiguration()
        configuration.seed = 1
        let other = try World.generate(configuration: configuration)
        #expect(try other.jsonData() != (try Self.world.jsonData()))
        #expect(other.entities.map(\.name) != Self.world.entities.map(\.name))
    }

    @Test("world.json round-trips")
    func roundTrip() throws {
        let directory = try TemporaryDirectory(label: "world")
        try Self.world.save(to: directory.url)
        #expect(try World.load(from: directory.url) == Self.world)
    }

    @Test("missing and corrupted world.json files are typed errors naming the file and key")
    func corruptFiles() throws {
        let directory = try TemporaryDirectory(label: "world")
        let file = directory.file(World.fileName)
        let path = file.path(percentEncoded: false)
        #expect { try World.load(from: directory.url) } throws: { error in
            guard case .unreadableFile(let found, _)? = error as? WorldError else { return false }
            return found == path
        }
        try Self.world.save(to: directory.url)
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        var wrongType = json
        wrongType["splits"] = [1, true]
        try JSONSerialization.data(withJSONObject: wrongType).write(to: file)
        // Was: expected "Dictionary<String, Any>", found "Expected to decode Dictionary<String, Any> but found an array…".
        #expect(throws: WorldError.corruptFile(path: path, key: "splits", expected: "an object", found: "[1,true]")) {
            try World.load(from: directory.url)
        }
        json["splits"] = ["captionedEntities": [], "heldOutEntities": []]
        try JSONSerialization.data(withJSONObject: json).write(to: file)
        #expect(throws: WorldError.corruptFile(path: path, key: "splits.reservedConcepts", expected: "a value", found: "no key")) {
            try World.load(from: directory.url)
        }
        json["splits"] = ["captionedEntities": [], "heldOutEntities": [], "reservedConcepts": []]
        try JSONSerialization.data(withJSONObject: json).write(to: file)
        #expect { try World.load(from: directory.url) } throws: { error in
            guard case .corruptFile(let found, let key, _, _)? = error as? WorldError else { return false }
            return found == path && key == "splits"
        }
        try Data("{\"formatVersion\": 1,".utf8).write(to: file)
        #expect { try World.load(from: directory.url) } throws: { error in
            guard case .corruptFile(let found, let key, let expected, _)? = error as? WorldError else { return false }
            return found == path && key == "<root>" && expected == "valid JSON"
        }
    }

    @Test("bad configurations are typed errors")
    func badConfiguration() {
        var configuration = WorldConfiguration()
        configuration.heldOutFraction = 1.5
        #expect(throws: WorldError.invalidConfiguration(key: "heldOutFraction", expected: "a fraction in [0, 1]", found: "1.5")) {
            try World.generate(configuration: configuration)
        }
    }
}
