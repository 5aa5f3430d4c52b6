import Generators

/// Where a word's tokens sit among a prompt's kept tokens, the positions of the prompt embeddings
/// a ``PromptEncoder`` returns (after the template's dropped prefix).
///
/// For a whole-word occurrence of `word` at characters [s, e) of prompt p, with T = tokens of the
/// filled template of p, the span is [a, b) − d where a = lcp(T, tokens(fill(p[..<s]))) (the
/// tokens before the word), b = lcp(T, tokens(fill(p[..<e] + "\n"))) (through the word: a newline
/// never merges with a letter in byte-level BPE), lcp the longest common prefix and d the dropped
/// prefix. Every occurrence counts: TokenVerse modulates each token of the concept word.
public enum PromptWords {
    /// The kept-token spans of every whole-word occurrence of `word` in `prompt`.
    ///
    /// - Throws: ``PersonalizationError/wordNotInPrompt(word:prompt:)`` when `word` is not a whole
    ///   word of `prompt`; ``PersonalizationError/wordNotAligned(word:prompt:)`` when no token span
    ///   is the word; the tokenizer's errors.
    /// - Complexity: three tokenizations per occurrence.
    public static func spans(
        of word: String, in prompt: String, template: PromptTemplate, tokenize: (String) throws -> [Int]
    ) throws -> [Range<Int>] {
        let occurrences = wholeWordRanges(of: word, in: prompt)
        guard !occurrences.isEmpty else { throw PersonalizationError.wordNotInPrompt(word: word, prompt: prompt) }
        let tokens = try tokenize(template.filled(with: prompt))
        let dropped = try template.droppedTokenCount(tokenize: tokenize)
        return try occurrences.map { range in
            let before = try commonPrefix(tokens, tokenize(template.filled(with: String(prompt[..<range.lowerBound]))))
            let through = try commonPrefix(tokens, tokenize(template.filled(with: String(prompt[..<range.upperBound]) + "\n")))
            guard before >= dropped, through > before else {
                throw PersonalizationError.wordNotAligned(word: word, prompt: prompt)
            }
            return (before - dropped)..<(through - dropped)
        }
    }

    /// The character ranges where `word` occurs with no letter or digit on either side.
    static func wholeWordRanges(of word: String, in text: String) -> [Range<String.Index>] {
        guard !word.isEmpty else { return [] }
        var ranges: [Range<String.Index>] = []
        var start = text.startIndex
        while let range = text.range(of: word, range: start..<text.endIndex) {
            let beforeOK = range.lowerBound == text.startIndex || !isWordCharacter(text[text.index(before: range.lowerBound)])
            let afterOK = range.upperBound == text.endIndex || !isWordCharacter(text[range.upperBound])
            if beforeOK && afterOK { ranges.append(range) }
            start = text.index(after: range.lowerBound)
        }
        return ranges
    }

    private static func isWordCharacter(_ character: Character) -> Bool { character.isLetter || character.isNumber }

    private static func commonPrefix(_ a: [Int], _ b: [Int]) -> Int {
        zip(a, b).prefix { $0 == $1 }.count
    }
}
