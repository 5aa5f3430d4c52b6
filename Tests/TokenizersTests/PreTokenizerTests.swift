import Foundation
import Testing
@testable import Tokenizers

/// The hand-written matcher of the GPT-2 / Qwen2 / Llama 3 patterns must split exactly as ICU does.
@Suite("Pre-tokenizer: known-pattern matcher against ICU")
struct PreTokenizerTests {
    static let knownPatterns = [
        KnownPatternSplitter.gpt2Pattern, KnownPatternSplitter.qwen2Pattern, KnownPatternSplitter.cl100kPattern,
    ]

    /// Pieces that exercise every alternative: contractions in all cases (and `ſ`, which folds to
    /// `s`), letters after every kind of prefix, digit runs, punctuation before newlines, whitespace
    /// runs with and without `\r`/`\n`, other `\s` scalars, combining marks, emoji sequences.
    static let alphabet = [
        "a", "Z", "é", "ſ", "ﬆ", "'", "’", "s", "t", "re", "ve", "ll", "d", "m", "S", "LL", "RE", "Ve", "x",
        " ", "  ", "\t", "\n", "\r", "\r\n", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}", "\u{2028}", "\u{3000}",
        "1", "42", "1234", "٣", "½", "Ⅻ", "中", "ー", "한", "\u{301}", "\u{308}", "\u{200D}", "\u{FEFF}",
        "!", ".", "-", "_", "$", "🇫🇷", "👍🏽", "👨‍👩‍👧", "\u{1F600}", "\u{E000}",
    ]

    /// Deterministic texts made of 1…12 alphabet pieces (a 64-bit LCG, so the cases never change).
    static func randomTexts(count: Int) -> [String] {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        return (0..<count).map { _ in (0...next(12)).map { _ in alphabet[next(alphabet.count)] }.joined() }
    }

    typealias RangeEnumerator = (String, UnsafeBufferPointer<UInt8>, (Range<Int>) -> Void) -> Void

    static func words(_ text: String, _ forEachRange: RangeEnumerator) -> [String] {
        var storage = text
        return storage.withUTF8 { bytes in
            var words: [String] = []
            forEachRange(text, bytes) { words.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self)) }
            return words
        }
    }

    @Test("Known-pattern words equal ICU's on random texts and the Qwen corpus", arguments: knownPatterns)
    func matchesICU(pattern: String) throws {
        let known = try #require(try KnownPatternSplitter(pattern: pattern))
        let icu = try RegexSplitter(pattern: pattern)
        let corpus = try QwenFixture.jsonLines("qwen_corpus.jsonl", as: QwenFixture.Line.self).map(\.text)
        var differences: [String] = []
        for text in Self.randomTexts(count: 3000) + corpus {
            let ours = Self.words(text, known.forEachRange), reference = Self.words(text, icu.forEachRange)
            if ours != reference {
                differences.append(
                    "\(text.debugDescription): ours \(ours.map(\.debugDescription)), ICU \(reference.map(\.debugDescription))")
            }
        }
        #expect(differences.count == 0, "\(differences.prefix(10).joined(separator: "\n"))")
    }

    @Test("Only the three known patterns get the hand-written matcher")
    func recognisesOnlyKnownPatterns() throws {
        #expect(try KnownPatternSplitter(pattern: KnownPatternSplitter.qwen2Pattern)?.family == .cl100k(maximumDigits: 1))
        #expect(try KnownPatternSplitter(pattern: KnownPatternSplitter.cl100kPattern)?.family == .cl100k(maximumDigits: 3))
        #expect(try KnownPatternSplitter(pattern: KnownPatternSplitter.gpt2Pattern)?.family == .gpt2)
        #expect(try KnownPatternSplitter(pattern: KnownPatternSplitter.qwen2Pattern + "|x") == nil)
        #expect(try KnownPatternSplitter(pattern: "\\s+") == nil)
    }

    @Test("Text with a scalar newer than the trusted Unicode version is split by ICU")
    func unverifiedScalarsGoToICU() throws {
        #expect(ScalarClass.of(0x0378) == .unverified)                 // unassigned
        #expect(ScalarClass.of(0xD800) == .unverified)                 // a surrogate code point
        #expect(ScalarClass.of(0xE0080) == .unverified)                // unassigned, astral
        let known = try #require(try KnownPatternSplitter(pattern: KnownPatternSplitter.qwen2Pattern))
        let icu = try RegexSplitter(pattern: KnownPatternSplitter.qwen2Pattern)
        let text = "ab\u{378}cd 12 \u{378}!\n"
        #expect(Self.words(text, known.forEachRange) == Self.words(text, icu.forEachRange))
    }

    @Test("Scalar classes agree with ICU's \\p{L}, \\p{N} and \\s for every verified scalar")
    func scalarClassesMatchICU() throws {
        var scalars = String.UnicodeScalarView()
        for value in UInt32(0)...0x10FFFF {
            if let scalar = Unicode.Scalar(value), ScalarClass.of(value) != .unverified { scalars.append(scalar) }
        }
        let text = String(scalars)
        func icuMembers(_ pattern: String) throws -> Set<UInt32> {
            let regex = try NSRegularExpression(pattern: pattern)
            let string = text as NSString
            var members = Set<UInt32>()
            regex.enumerateMatches(in: text, range: NSRange(location: 0, length: string.length)) { match, _, _ in
                guard let range = match?.range else { return }
                members.insert(string.substring(with: range).unicodeScalars.first!.value)
            }
            return members
        }
        let letters = try icuMembers(#"\p{L}"#), numbers = try icuMembers(#"\p{N}"#), spaces = try icuMembers(#"\s"#)
        var disagreements: [String] = []
        for scalar in text.unicodeScalars {
            let scalarClass = ScalarClass.of(scalar.value)
            let ours = (scalarClass == .letter, scalarClass == .number, scalarClass.isWhitespace)
            let icu = (letters.contains(scalar.value), numbers.contains(scalar.value), spaces.contains(scalar.value))
            if ours != icu { disagreements.append("U+\(String(scalar.value, radix: 16)): ours \(ours), ICU \(icu)") }
        }
        #expect(disagreements.count == 0, "\(disagreements.prefix(10).joined(separator: "\n"))")
    }

    @Test("Other Split patterns and literals go through ICU")
    func otherPatternsUseICU() throws {
        let split: PreTokenizerJSON = .split(pattern: .literal("|"), behavior: "Isolated", invert: false)
        let preTokenizer = try PreTokenizer(
            .sequence([split, .byteLevel(addPrefixSpace: false, useRegex: false)]), file: "test")
        guard case .split(.regex) = preTokenizer.steps[0] else {
            Issue.record("expected an ICU splitter, got \(preTokenizer.steps[0])")
            return
        }
        var words: [String] = []
        preTokenizer.forEachWord(in: "a|b||c 👍|") { words.append(String(decoding: $0, as: UTF8.self)) }
        #expect(words == ["a", "|", "b", "|", "|", "c 👍", "|"])
    }
}
