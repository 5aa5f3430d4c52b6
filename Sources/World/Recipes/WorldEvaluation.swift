import Evaluator
import Foundation
import ModelInterfaces

/// The measurements `mokus world eval` prints: how well the world's text encoder knows the world's
/// facts, and how well its evaluator reads renders.
public enum WorldEvaluation {
    /// Greedy answers of the text encoder.
    public struct EncoderScores: Codable, Sendable, Equatable {
        /// Fraction of fact questions (first training template, every fact) whose greedy
        /// continuation starts with the fact's object phrase.
        public var factExact: Double
        /// The same over held-out paraphrase templates never seen in training.
        public var paraphraseExact: Double
        /// `paraphraseExact` per held-out template.
        public var paraphraseByTemplate: [String: Double]
        /// Questions asked of each kind.
        public var questions: Int

        enum CodingKeys: String, CodingKey {
            case factExact = "fact_exact", paraphraseExact = "paraphrase_exact"
            case paraphraseByTemplate = "paraphrase_by_template", questions
        }
    }

    /// Asks the encoder every fact question and every paraphrase (at most `limit` of each).
    ///
    /// A question counts as answered when teacher forcing predicts every token of the target
    /// (`" a small red striped star"`) by argmax: exactly when greedy decoding would generate the
    /// target, at one forward pass per batch of questions instead of one per generated token.
    public static func encoderScores(world: World, encoder: any TextEncoder, limit: Int? = nil) throws -> EncoderScores {
        func exact(_ items: [QuestionItem]) throws -> [Bool] {
            var results: [Bool] = []
            for start in stride(from: 0, to: items.count, by: 64) {
                let chunk = items[start..<min(items.count, start + 64)]
                let scores = try TeacherForcing.score(chunk.map { ($0.prompt, $0.target) }, encoder: encoder)
                results += scores.map { $0.accuracy == 1 }
            }
            return results
        }
        let facts = Array(world.factQuestions().prefix(limit ?? .max))
        let paraphrases = Array(world.paraphraseQuestions().prefix(limit ?? .max))
        let factResults = try exact(facts), paraphraseResults = try exact(paraphrases)
        var byTemplate: [String: (right: Int, total: Int)] = [:]
        for (item, right) in zip(paraphrases, paraphraseResults) {
            byTemplate[item.template, default: (0, 0)].right += right ? 1 : 0
            byTemplate[item.template, default: (0, 0)].total += 1
        }
        return EncoderScores(
            factExact: fraction(factResults), paraphraseExact: fraction(paraphraseResults),
            paraphraseByTemplate: byTemplate.mapValues { Double($0.right) / Double($0.total) }, questions: facts.count)
    }

    /// Per-attribute accuracy of `evaluator` on `count` held-out renders (scenes drawn with `seed`,
    /// which must differ from the training seed; the default does).
    public static func evaluatorAccuracy(_ evaluator: ImageEvaluator, count: Int = 2048, seed: UInt64 = 9_001)
        throws -> [String: Double]
    {
        let batch = try EvaluatorRecipe.batch(of: EvaluatorRecipe.heldOutScenes(count: count, seed: seed))
        return try evaluator.accuracy(images: batch.images, labels: batch.labels)
    }

    private static func fraction(_ results: [Bool]) -> Double {
        results.isEmpty ? 0 : Double(results.filter { $0 }.count) / Double(results.count)
    }
}
