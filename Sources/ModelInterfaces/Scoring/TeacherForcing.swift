import Foundation
import Tensors

/// The measurements behind EasyEdit's metrics, on any ``TextEncoder``.
///
/// A prompt and an answer are scored as the tokens of the prompt followed by the tokens of
/// `" " + answer` (a leading space is added unless present, as the editors do), in one left-padded
/// batch. This tokenizes the two parts separately; EasyEdit tokenizes `prompt + " " + answer` and
/// counts the prompt's tokens alone, which agrees unless a token would straddle the boundary.
public enum TeacherForcing {
    /// One scored (prompt, answer) pair.
    public struct Score: Sendable, Equatable {
        /// The answer's token ids.
        public var answer: [Int]
        /// The argmax prediction at each answer position (given the true previous tokens).
        public var predicted: [Int]
        /// Mean log-probability of the answer tokens.
        public var meanLogProbability: Float

        /// Fraction of answer tokens predicted (EasyEdit's `rewrite_acc` for one prompt).
        public var accuracy: Float {
            Float(zip(answer, predicted).filter { $0 == $1 }.count) / Float(Swift.max(answer.count, 1))
        }
        /// exp(−mean log p): the answer's perplexity.
        public var perplexity: Float { Foundation.exp(-meanLogProbability) }
    }

    /// Scores every pair in one forward pass.
    ///
    /// - Throws: ``TextEncoderError/emptyText(role:)`` for a prompt or an answer without tokens
    ///   (nothing to predict from, nothing to score); the encoder's errors.
    public static func score(_ pairs: [(prompt: String, answer: String)], encoder: any TextEncoder) throws -> [Score] {
        guard !pairs.isEmpty else { return [] }
        let tokenized = try pairs.map { pair -> (prompt: [Int], answer: [Int]) in
            try tokens(prompt: pair.prompt, answer: pair.answer, encoder: encoder)
        }
        let batch = TokenBatch(tokenized.map { $0.prompt + $0.answer }, padding: .left)
        let logits = try encoder.forward(batch).logits
        let vocabulary = logits.shape[2]
        let flat = logits.reshaped([-1, vocabulary])
        return tokenized.enumerated().map { b, pair in
            let rows = (0..<pair.answer.count).map { batch.row(b, pair.prompt.count - 1 + $0) }
            let logProbabilities = flat.indexSelect(axis: 0, rows).logSoftmax()
            let predicted = logProbabilities.argmax(axis: 1)
            let chosen = pair.answer.enumerated().map { logProbabilities[$0.offset, $0.element] }
            return Score(answer: pair.answer, predicted: predicted,
                         meanLogProbability: chosen.reduce(0, +) / Float(Swift.max(chosen.count, 1)))
        }
    }

    /// Greedy decoding of as many tokens as the answer has: whether the model now *generates*
    /// the answer exactly (the stricter metric reported beside teacher forcing).
    public static func greedyExactMatch(prompt: String, answer: String, encoder: any TextEncoder) throws -> Bool {
        var (ids, target) = try tokens(prompt: prompt, answer: answer, encoder: encoder)
        for expected in target {
            let logits = try encoder.forward(TokenBatch([ids])).logits
            let next = logits.reshaped([ids.count, -1]).slice(axis: 0, (ids.count - 1)..<ids.count).argmax(axis: 1)[0]
            guard next == expected else { return false }
            ids.append(next)
        }
        return true
    }

    /// The prompt's tokens and those of `" " + answer` (the space added unless present).
    /// - Throws: ``TextEncoderError/emptyText(role:)`` when either part has no tokens, or the
    ///   answer is only whitespace.
    private static func tokens(prompt: String, answer: String, encoder: any TextEncoder) throws -> (prompt: [Int], answer: [Int]) {
        let promptIDs = try encoder.tokenize(prompt)
        guard !promptIDs.isEmpty else { throw TextEncoderError.emptyText(role: "prompt") }
        guard !answer.allSatisfy(\.isWhitespace) else { throw TextEncoderError.emptyText(role: "answer to \"\(prompt.prefix(60))\"") }
        return (promptIDs, try encoder.tokenize(answer.hasPrefix(" ") ? answer : " " + answer))
    }
}
