import Foundation
import Testing
import Evaluator
import Tensors

/// Scores of the trained evaluator: predictions, alignment, similarity, masked embeddings.
@Suite("Evaluator scores")
struct EvaluatorScoringTests {
    let evaluator = TrainedEvaluator.evaluator
    let heldOut = TrainedEvaluator.heldOut

    @Test("predictions: probabilities sum to 1, argmax and names agree, embeddings have unit length")
    func predictions() throws {
        let predictions = try evaluator.predict(heldOut.images)
        #expect(predictions.count == heldOut.labels.count)
        for prediction in predictions {
            for (a, attribute) in prediction.attributes.enumerated() {
                #expect(abs(attribute.probabilities.reduce(0, +) - 1) < 1e-4)
                #expect(attribute.probabilities[attribute.classIndex] == attribute.probabilities.max())
                #expect(attribute.className == TinyShapes.schema.attributes[a].classes[attribute.classIndex])
            }
            #expect(abs(prediction.embedding.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
        }
        #expect(predictions[0][attribute: "colour"] != nil && predictions[0][attribute: "texture"] == nil)
    }

    @Test("alignment is higher for the right caption than for a caption with one wrong attribute")
    func alignment() throws {
        var wins = 0, total = 0
        for i in 0..<64 {
            let labels = heldOut.labels[i]
            let image = heldOut.images.slice(axis: 0, i..<(i + 1))
            let right = try evaluator.alignment(attributes: TinyShapes.caption(labels), images: image)[0]
            #expect(right >= 0 && right <= 1)
            for (a, attribute) in TinyShapes.schema.attributes.enumerated() {
                var wrongLabels = labels
                wrongLabels[a] = (labels[a] + 1) % attribute.classes.count
                let wrong = try evaluator.alignment(attributes: TinyShapes.caption(wrongLabels), images: image)[0]
                total += 1
                if right > wrong { wins += 1 }
            }
        }
        #expect(Double(wins) / Double(total) >= 0.95, "\(wins)/\(total)")
        // A partial caption counts only the attributes it mentions.
        let first = heldOut.images.slice(axis: 0, 0..<1)
        let colour = TinyShapes.schema.attributes[1].classes[heldOut.labels[0][1]]
        let partial = try evaluator.alignment(attributes: ["colour": colour], images: first)[0]
        let probability = try evaluator.predict(first)[0][attribute: "colour"]!.probabilities[heldOut.labels[0][1]]
        #expect(partial == probability)
    }

    @Test("images of the same class are more similar than images of different classes")
    func similarity() throws {
        var rng = RandomGenerator(seed: 20)
        var same: [Float] = [], different: [Float] = []
        for _ in 0..<32 {
            var a = TinyShapes.randomObject(&rng), b = TinyShapes.randomObject(&rng)
            var twin = TinyShapes.randomObject(&rng)
            twin.labels = a.labels
            if b.labels == a.labels { b.labels[0] = (a.labels[0] + 1) % 3 }
            a.brightness = 1
            let images = TinyShapes.draw([a, twin, b]).images
            let first = images.slice(axis: 0, 0..<1)
            same += try evaluator.similarity(first, images.slice(axis: 0, 1..<2))
            different += try evaluator.similarity(first, images.slice(axis: 0, 2..<3))
        }
        #expect(zip(same, different).filter { $0 > $1 }.count >= 30)
        let (meanSame, meanDifferent): (Float, Float) = (same.reduce(0, +) / 32, different.reduce(0, +) / 32)
        #expect(meanSame > meanDifferent + 0.2, "\(meanSame) vs \(meanDifferent)")
        // Batched: image i against image i.
        let pairs = try evaluator.similarity(heldOut.images, heldOut.images)
        #expect(pairs.count == heldOut.labels.count && pairs.allSatisfy { abs($0 - 1) < 1e-4 })
    }

    @Test("masking the background makes one object on two backgrounds more similar")
    func maskedEmbeddings() throws {
        var rng = RandomGenerator(seed: 21)
        var masked: [Float] = [], plain: [Float] = []
        for _ in 0..<16 {
            var black = TinyShapes.randomObject(&rng)
            black.labels[3] = 0
            var grey = black
            grey.labels[3] = 1
            let (images, masks) = TinyShapes.draw([black, grey])
            let e = try evaluator.maskedEmbeddings(images, masks: masks)
            masked.append((e.slice(axis: 0, 0..<1) * e.slice(axis: 0, 1..<2)).sum().item)
            plain += try evaluator.similarity(images.slice(axis: 0, 0..<1), images.slice(axis: 0, 1..<2))
        }
        #expect(masked.reduce(0, +) > plain.reduce(0, +))
        #expect(masked.allSatisfy { $0 > 0.9 }, "\(masked)")
    }
}
