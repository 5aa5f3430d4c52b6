import Foundation
import KnowledgeEditing

/// Turns training texts into causal-LM examples: each text is tokenised, its eos id appended, and
/// the result split into pieces of at most `maxLength` tokens that overlap by one token, so every
/// next-token pair is trained once (most texts of a fact corpus fit in one piece). One example per text keeps every text starting at position 0, as prompts
/// do at inference; batches pad on the right (see ``CausalLanguageModelObjective``). Packing texts
/// into fixed blocks would waste no padding but would start most texts mid-block.
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
}
