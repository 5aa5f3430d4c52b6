import Foundation
import ModelInterfaces

/// Turns training texts into causal-LM examples: each text is tokenised, its eos id appended, and
/// the result split into pieces of at most `maxLength` tokens that overlap by one token, so every
/// next-token pair is trained once (most texts of a fact corpus fit in one piece).
///
/// Two layouts:
/// - ``examples(texts:tokenizer:eosID:maxLength:)``: one example per text (piece), so every text
///   starts at position 0, as prompts do at inference; batches pad on the right (see
///   ``CausalLanguageModelObjective``), which wastes compute when lengths vary.
/// - ``packedExamples(texts:tokenizer:eosID:maxLength:)``: whole texts packed greedily, in order,
///   into examples of at most `maxLength` tokens (a text that does not fit starts the next
///   example), so examples are nearly full and padding all but vanishes. Each example starts at a
///   text; later texts in it are read after the eos of the ones before (attention crosses the eos,
///   as in GPT-style pretraining).
public enum LanguageModelCorpus {
    /// - Throws: the tokenizer's errors; ``TrainingError/invalidConfiguration(key:reason:)`` for
    ///   `maxLength` < 2.
    public static func examples(texts: [String], tokenizer: some TextEncoder, eosID: Int, maxLength: Int) throws
        -> [[Int]]
    {
        guard maxLength >= 2 else {
            throw TrainingError.invalidConfiguration(
                key: "maxSequenceLength", reason: "expected ≥ 2, found \(maxLength)")
        }
        var examples: [[Int]] = []
        for text in texts {
            let ids = try tokenizer.tokenize(text) + [eosID]
            var start = 0
            while start < ids.count - 1 {
                examples.append(Array(ids[start..<min(ids.count, start + maxLength)]))
                start += maxLength - 1
            }
        }
        return examples
    }

    /// The pieces of ``examples(texts:tokenizer:eosID:maxLength:)``, in order, packed greedily into
    /// examples of at most `maxLength` tokens.
    public static func packedExamples(texts: [String], tokenizer: some TextEncoder, eosID: Int, maxLength: Int) throws
        -> [[Int]]
    {
        var packed: [[Int]] = []
        var current: [Int] = []
        for piece in try examples(texts: texts, tokenizer: tokenizer, eosID: eosID, maxLength: maxLength) {
            if current.count + piece.count > maxLength {
                packed.append(current)
                current = []
            }
            current += piece
        }
        if !current.isEmpty { packed.append(current) }
        return packed
    }
}
