import Evaluator
import Foundation
import ModelInterfaces
import Tensors

/// One edit of a held-out entity's fact and the images that should change with it.
public struct GeneratorEditCase: Sendable, Hashable {
    /// The edit (EasyEdit layout, as ``World/editRequests(count:seed:localityCount:)`` writes).
    public var request: EditRequestRecord
    public var fact: Fact
    /// The object the edit asks for.
    public var target: ObjectDescription
    /// The fact's knowledge prompt on several backgrounds, each expecting ``target``.
    public var transfer: [GeneratorProbe]
}

/// How edits of the text encoder move the generator's images (``WorldEvaluation/editScores(cases:unrelated:probing:encoder:edit:progress:)``).
public struct GeneratorEditScores: Codable, Sendable, Equatable {
    /// Fraction of the edited prompts' images that show the edit's target object (all four object attributes).
    public var transfer: Double
    /// Fraction that still show the fact's original object.
    public var original: Double
    /// Fraction of unrelated prompts' images whose evaluator attributes (all five) are the same as
    /// with the unedited encoder, same noise.
    public var preservation: Double
    public var edits: Int
    /// Images per edit: edited prompts and unrelated prompts, each over every repetition.
    public var transferImages: Int
    public var unrelatedImages: Int

    enum CodingKeys: String, CodingKey {
        case transfer, original, preservation, edits
        case transferImages = "transfer_images", unrelatedImages = "unrelated_images"
    }
}

extension World {
    /// `count` edits of held-out entities' facts drawn with `seed`, each to another answer object
    /// (drawn uniformly), probed by the fact's knowledge prompt on `backgrounds` backgrounds.
    /// - Throws: ``WorldError/invalidArgument(name:expected:found:)`` when `count` exceeds the held-out facts.
    public func generatorEditCases(count: Int, backgrounds: Int = 2, seed: UInt64 = 0) throws -> [GeneratorEditCase] {
        let candidates = facts.filter { !isCaptioned($0.entity) }
        guard (0...candidates.count).contains(count), (1...Background.allCases.count).contains(backgrounds) else {
            throw WorldError.invalidArgument(
                name: "count, backgrounds", expected: "0...\(candidates.count), 1...\(Background.allCases.count)",
                found: "\(count), \(backgrounds)")
        }
        let question = try editQuestion()
        var random = RandomGenerator(seed: seed)
        let objects = answerObjects
        return random.permutation(candidates.count).prefix(count).map { index in
            let fact = candidates[index]
            let (target, rephrase) = drawRewrite(of: fact, objects: objects, using: &random)
            let request = editRecord(fact, target: target, question: question, rephrase: rephrase, locality: [])
            let transfer = random.permutation(Background.allCases.count).prefix(backgrounds).map { background in
                let scene = Scene.random(target, on: Background.allCases[background], using: &random)
                return GeneratorProbe(prompt: knowledgeCaption(fact, background: scene.background), scene: scene)
            }
            return GeneratorEditCase(request: request, fact: fact, target: target, transfer: transfer)
        }
    }

    /// `count` prompts unrelated to `entities` drawn with `seed`: alternately a held-out direct
    /// prompt and a knowledge prompt of another captioned entity (on its held-out background).
    public func unrelatedProbes(count: Int, excluding entities: Set<String>, seed: UInt64 = 0) -> [GeneratorProbe] {
        var random = RandomGenerator(seed: seed)
        let direct = heldOutDirectCaptions(seed: seed)
        let knowledge = captionedEntityEvaluationCaptions(seed: seed).filter { !entities.contains($0.fact?.entity ?? "") }
        let directOrder = random.permutation(direct.count), knowledgeOrder = random.permutation(knowledge.count)
        return (0..<max(count, 0)).compactMap { index in
            let (list, order) = index.isMultiple(of: 2) ? (direct, directOrder) : (knowledge, knowledgeOrder)
            guard index / 2 < order.count else { return nil }
            return GeneratorProbe(list[order[index / 2]])
        }
    }
}

extension WorldEvaluation {
    /// Edits `encoder` for each case in turn and measures what the images do: the edited fact's
    /// prompts should show the target, the `unrelated` prompts should keep the evaluator attributes
    /// they have unedited (same noise).
    ///
    /// - Parameter edit: applies the request to `encoder` (in place), runs the body, and restores the
    ///   unedited weights, so every case starts from the unedited encoder.
    public static func editScores(
        cases: [GeneratorEditCase], unrelated: [GeneratorProbe], probing: GeneratorProbing, encoder: any TextEncoder,
        edit: (EditRequestRecord, () throws -> Void) throws -> Void, progress: (Int) -> Void = { _ in }
    ) throws -> GeneratorEditScores {
        let before = try probing.predictions(unrelated, encoder: encoder)
        var (transfer, original, kept, transferTotal, keptTotal) = (0, 0, 0, 0, 0)
        for (index, editCase) in cases.enumerated() {
            var (edited, after): ([ImagePrediction], [ImagePrediction]) = ([], [])
            try edit(editCase.request) {
                edited = try probing.predictions(editCase.transfer, encoder: encoder)
                after = try probing.predictions(unrelated, encoder: encoder)
            }
            let expected = (0..<probing.repetitions).flatMap { _ in editCase.transfer.map(\.scene.object) }
            for (prediction, target) in zip(edited, expected) {
                transfer += showsObject(prediction, target) ? 1 : 0
                original += showsObject(prediction, editCase.fact.object) ? 1 : 0
            }
            transferTotal += edited.count
            kept += zip(after, before).filter { a, b in
                zip(a.attributes, b.attributes).allSatisfy { $0.classIndex == $1.classIndex }
            }.count
            keptTotal += after.count
            progress(index + 1)
        }
        func fraction(_ count: Int, _ total: Int) -> Double { total == 0 ? 0 : Double(count) / Double(total) }
        return GeneratorEditScores(
            transfer: fraction(transfer, transferTotal), original: fraction(original, transferTotal),
            preservation: fraction(kept, keptTotal), edits: cases.count,
            transferImages: cases.first.map { $0.transfer.count * probing.repetitions } ?? 0,
            unrelatedImages: unrelated.count * probing.repetitions)
    }

    /// Whether the evaluator reads `object` (size, colour, pattern, shape) in `prediction`.
    static func showsObject(_ prediction: ImagePrediction, _ object: ObjectDescription) -> Bool {
        let scene = Scene(object: object, background: .black)
        return zip(prediction.attributes, EvaluatorRecipe.labels(of: scene)).prefix(4).allSatisfy { $0.classIndex == $1 }
    }
}
