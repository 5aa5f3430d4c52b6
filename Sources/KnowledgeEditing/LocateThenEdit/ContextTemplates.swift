import Foundation
import ModelInterfaces
import Tensors

/// Context templates: short generated prefixes ("The man was born in the. {}") that the
/// locate-then-edit methods average keys and target losses over, so an edit does not depend on
/// the prompt's exact start.
///
/// EasyEdit samples them once per process with top-k = 5 and a global seed, so results depend
/// on the process history. Here they are either given explicitly (hparams `context_templates`,
/// exactly reproducible across implementations) or sampled by ``sample(lengths:seed:encoder:)``
/// from a seeded generator — the same seed gives the same templates on every run — and cached
/// in the ``EditState`` under the model fingerprint, lengths and seed.
public enum ContextTemplates {
    /// EasyEdit's seed words.
    public static let seedWords = ["The", "Therefore", "Because", "I", "You"]

    /// `["{}"]` plus, for each (tokenCount, count), `count / 5` (rounded down, as EasyEdit's
    /// `n_gen // 5`) samples from each seed word of
    /// `tokenCount` tokens in total (seed included), top-k = 5, braces removed, each followed by
    /// `". {}"` (EasyEdit `get_context_templates`).
    public static func sample(lengths: [(tokenCount: Int, count: Int)], seed: UInt64, encoder: any TextEncoder) throws -> [String] {
        var rng = RandomGenerator(seed: seed)
        var templates = ["{}"]
        for (tokenCount, count) in lengths {
            for word in seedWords {
                for _ in 0..<(count / seedWords.count) {
                    let text = try sampleTopK(prefix: word, totalTokens: tokenCount, k: 5, rng: &rng, encoder: encoder)
                    let cleaned = text.replacingOccurrences(of: "{", with: " ").replacingOccurrences(of: "}", with: " ")
                    templates.append(cleaned + ". {}")
                }
            }
        }
        return templates
    }

    /// The cached templates for these settings, sampling them on first use.
    public static func cached(lengths: [(tokenCount: Int, count: Int)], seed: UInt64, encoder: any TextEncoder,
                              state: EditState) throws -> [String] {
        let key = "context-templates|\(state.modelFingerprint)|\(lengths.map { "\($0.tokenCount)x\($0.count)" }.joined(separator: ","))|\(seed)"
        return try state.cached(key) { try sample(lengths: lengths, seed: seed, encoder: encoder) }
    }

    /// Extends `prefix` to `totalTokens` tokens, each next token drawn from the `k` most likely
    /// (probabilities renormalised), and decodes it.
    static func sampleTopK(prefix: String, totalTokens: Int, k: Int, rng: inout RandomGenerator,
                           encoder: any TextEncoder) throws -> String {
        var ids = try encoder.tokenize(prefix)
        while ids.count < totalTokens {
            let logits = try encoder.forward(TokenBatch([ids])).logits
            let last = logits.reshaped([ids.count, -1]).slice(axis: 0, (ids.count - 1)..<ids.count).softmax().scalars
            let best = last.indices.sorted { last[$0] > last[$1] }.prefix(k)
            let total = best.reduce(Float(0)) { $0 + last[$1] }
            var draw = rng.nextUnitFloat() * total
            let drawn = best.first { id in
                draw -= last[id]
                return draw <= 0
            }
            guard let chosen = drawn ?? best.last else { break }   // (an empty vocabulary)
            ids.append(chosen)
        }
        return try encoder.detokenize(ids)
    }
}
