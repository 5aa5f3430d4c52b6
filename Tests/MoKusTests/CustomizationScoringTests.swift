import Evaluator
import Foundation
import MoKus
import Tensors
import Testing

/// The evaluator-based scorer of customisation reports and the report settings' checks.
@Suite("MoKus customisation scoring")
struct CustomizationScoringTests {
    static func scorer(concept: Tensor) throws -> EvaluatorConceptScorer {
        let schema = try AttributeSchema([
            ImageAttribute(name: "size", classes: ["small", "large"]),
            ImageAttribute(name: "colour", classes: ["red", "grey"]),
            ImageAttribute(name: "background", classes: ["grey", "teal"]),
        ])
        let configuration = try EvaluatorConfiguration(schema: schema, imageSize: 8, channels: [4, 6], strides: [1, 2])
        return try EvaluatorConceptScorer(evaluator: ImageEvaluator(configuration: configuration, seed: 3), conceptImages: concept)
    }

    @Test("a context's words that name one attribute's class are requested; shared or unknown words are not")
    func requestedAttributes() throws {
        var random = RandomGenerator(seed: 1)
        let scorer = try Self.scorer(concept: random.uniform([2, 3, 8, 8]))
        #expect(scorer.requestedAttributes("  on a teal background") == ["background": "teal"])
        #expect(scorer.requestedAttributes("a small, red ") == ["size": "small", "colour": "red"])
        #expect(scorer.requestedAttributes(" on a grey background").isEmpty)  // grey: a colour and a background
        #expect(scorer.requestedAttributes("a big ").isEmpty)
    }

    @Test("similarity is the mean cosine to the concept images; attributes are the evaluator's predictions")
    func similarityAndAttributes() throws {
        var random = RandomGenerator(seed: 2)
        let concept = random.uniform([3, 3, 8, 8]), images = random.uniform([2, 3, 8, 8])
        let scorer = try Self.scorer(concept: concept)
        let evaluator = scorer.evaluator
        for (i, similarity) in try scorer.similarity(images).enumerated() {
            let image = images.slice(axis: 0, i..<(i + 1))
            let cosines = try (0..<3).map { j in
                try evaluator.similarity(image, concept.slice(axis: 0, j..<(j + 1)))[0]
            }
            #expect(abs(similarity - Double(cosines.reduce(0, +) / 3)) < 1e-5)
        }
        let predictions = try evaluator.predict(images)
        let requested = ["size": predictions[0].attributes[0].className]
        let shown = try scorer.showsAttributes(images, requested)
        #expect(shown == predictions.map { $0.attributes[0].className == requested["size"] })
        #expect(shown[0])
    }

    @Test("report prompts need {} and seeds")
    func reportSettings() throws {
        #expect(try CustomizationReportSettings().prompts == ["{}", "{} on a grey background"])
        #expect(throws: MoKusError.invalidPrompt(prompt: "sks dog", reason: "it has no '{}' for the phrase")) {
            try CustomizationReportSettings(prompts: ["{}", "sks dog"])
        }
        #expect(throws: MoKusError.self) { try CustomizationReportSettings(prompts: []) }
        #expect(throws: MoKusError.self) { try CustomizationReportSettings(seeds: []) }
    }
}
