@testable import Evaluator
import Foundation
import Testing
@testable import World

/// The prompts the generator is measured on are never training captions; probe scores count what
/// they claim to.
@Suite("Generator evaluation prompts")
struct GeneratorEvaluationPromptTests {
    static let world = WorldTextTests.world

    @Test("every answer object has one held-out background, drawn from the world's seed, that no training caption uses")
    func heldOutBackgrounds() throws {
        let world = Self.world, heldOut = world.heldOutBackgrounds
        #expect(Set(heldOut.keys) == Set(world.answerObjects))
        #expect(Set(heldOut.values).count == Background.allCases.count)
        #expect(try World.generate().heldOutBackgrounds == heldOut)
        var other = WorldConfiguration()
        other.seed = 1
        #expect(try World.generate(configuration: other).heldOutBackgrounds != heldOut)
        let captions = world.captions(count: 4000, seed: 0)
        #expect(captions.allSatisfy { heldOut[$0.scene.object] != $0.scene.background })
        #expect(captions.contains { $0.fact != nil } && captions.contains { $0.fact == nil })
    }

    @Test("held-out direct, captioned-entity and held-out-entity prompts appear in no training caption")
    func evaluationPromptsAreUnseen() throws {
        let world = Self.world
        let training = Set(world.captions(count: 20000, seed: 0).map(\.text))
        let direct = world.heldOutDirectCaptions(seed: 3)
        let captioned = world.captionedEntityEvaluationCaptions(seed: 3)
        let heldOut = world.heldOutEntityCaptions(seed: 3)
        #expect(direct.count == world.answerObjects.count && captioned.count == world.captionedFacts.count)
        #expect(heldOut.count == world.facts.count - world.captionedFacts.count)
        for caption in direct + captioned + heldOut { #expect(!training.contains(caption.text), "\(caption.text)") }
        #expect(direct.allSatisfy { $0.fact == nil && $0.text == $0.scene.caption })
        #expect(captioned.allSatisfy { $0.fact.map { world.isCaptioned($0.entity) } == true })
        #expect(heldOut.allSatisfy { caption in caption.fact.map { !world.isCaptioned($0.entity) } == true })
        for caption in captioned + heldOut {
            let fact = try #require(caption.fact)
            #expect(caption.scene.object == fact.object)
            #expect(caption.text == world.knowledgeCaption(fact, background: caption.scene.background))
        }
        #expect(world.captions(.heldOutDirect, count: 5, seed: 3) == Array(direct.prefix(5)))
        #expect(world.captions(.training, count: 5, seed: 0) == world.captions(count: 5, seed: 0))
        #expect(world.heldOutEntityCaptions(seed: 3) == heldOut && world.heldOutEntityCaptions(seed: 4) != heldOut)
    }

    @Test("edit cases rewrite held-out entities' facts to another object; unrelated prompts avoid the edited entities")
    func editCases() throws {
        let world = Self.world
        let cases = try world.generatorEditCases(count: 12, backgrounds: 3, seed: 5)
        #expect(cases.count == 12 && Set(cases.map(\.fact)).count == 12)
        for editCase in cases {
            #expect(!world.isCaptioned(editCase.fact.entity) && editCase.target != editCase.fact.object)
            #expect(editCase.request.subject == editCase.fact.knowledgePhrase)
            #expect(editCase.request.targetNew == editCase.target.phrase)
            #expect(editCase.request.prompt.contains(editCase.fact.knowledgePhrase))
            #expect(Set(editCase.transfer.map(\.scene.background)).count == 3)
            #expect(editCase.transfer.allSatisfy { $0.prompt.hasPrefix(editCase.fact.knowledgePhrase) && $0.scene.object == editCase.target })
        }
        #expect(try world.generatorEditCases(count: 12, backgrounds: 3, seed: 5) == cases)
        let entities = Set(cases.map(\.fact.entity))
        let unrelated = world.unrelatedProbes(count: 20, excluding: entities, seed: 5)
        #expect(unrelated.count == 20 && Set(unrelated).count == 20)
        #expect(unrelated.allSatisfy { probe in !entities.contains { probe.prompt.hasPrefix($0) } })
        #expect(throws: WorldError.self) { try world.generatorEditCases(count: world.facts.count, seed: 0) }
    }

    @Test("probe scores: shape and colour, the object's four attributes, and all five, as fractions of images")
    func probeScores() throws {
        let schema = EvaluatorRecipe.schema
        func prediction(_ labels: [Int]) -> ImagePrediction {
            ImagePrediction(attributes: zip(schema.attributes, labels).map { attribute, label in
                var probabilities = [Float](repeating: 0, count: attribute.classes.count)
                probabilities[label] = 1
                return AttributePrediction(attribute: attribute.name, classIndex: label, className: attribute.classes[label],
                                           probabilities: probabilities)
            }, embedding: [])
        }
        let expected = [0, 1, 2, 1, 3]
        let predictions = [
            prediction(expected),  // all right
            prediction([0, 1, 2, 1, 4]),  // background wrong: object right
            prediction([0, 1, 3, 1, 3]),  // pattern wrong: shape and colour right
            prediction([1, 1, 2, 1, 3]),  // shape wrong
        ]
        let scores = ProbeScores(predictions: predictions, expected: Array(repeating: expected, count: 4))
        #expect(scores.images == 4 && scores.all == 0.25 && scores.object == 0.5 && scores.shapeColour == 0.75)
        #expect(scores.attributeAccuracy == ["shape": 0.75, "colour": 1, "pattern": 0.75, "size": 1, "background": 0.75])
    }
}
