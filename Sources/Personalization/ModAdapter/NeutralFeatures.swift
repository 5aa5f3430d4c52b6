import Generators
import Tensors

/// A concept word's neutral feature (Mod-Adapter's query seed): the text encoder's last hidden
/// states of the word's tokens in a neutral caption (`template` with `{word}` replaced, "a {word}"
/// by default), averaged over those tokens, `[E]`.
enum NeutralFeatures {
    /// - Throws: ``PersonalizationError/wordNotAligned(word:prompt:)`` when the tokenizer merges the
    ///   word with the template's text; the encoder's errors.
    static func feature(of word: String, template: String, prompts: PromptEncoder) throws -> Tensor {
        let caption = template.replacingOccurrences(of: "{word}", with: word)
        return try meanState(of: word, in: caption, prompts: prompts)
    }

    /// The mean of `states` `[L, W]` over the tokens of `spans` → `[W]`.
    static func mean(_ states: Tensor, over spans: [Range<Int>]) -> Tensor {
        let tokens = spans.flatMap { Array($0) }
        return states.indexSelect(axis: 0, tokens).mean(axes: [0])
    }

    /// The encoder states `[L, E]` of `text` (kept tokens) and where `word` sits in it.
    static func states(of word: String, in text: String, prompts: PromptEncoder) throws -> (states: Tensor, spans: [Range<Int>]) {
        let encoded = try prompts.encode([text]).embeddings
        let spans = try PromptWords.spans(of: word, in: text, template: prompts.template, tokenize: prompts.encoder.tokenize)
        return (encoded.reshaped(Array(encoded.shape.dropFirst())), spans)
    }

    private static func meanState(of word: String, in text: String, prompts: PromptEncoder) throws -> Tensor {
        let (states, spans) = try states(of: word, in: text, prompts: prompts)
        return mean(states, over: spans)
    }
}
