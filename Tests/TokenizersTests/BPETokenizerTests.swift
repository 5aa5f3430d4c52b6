import Foundation
import Testing
@testable import Tokenizers

@Suite("Byte-level BPE encoding on a tiny tokenizer.json")
struct BPETokenizerTests {
    @Test("Both merge formats load the same merges", arguments: [
        ("hello world", [259, 262, 108, 100]),
        ("aaa", [263, 97]),          // equal ranks: the leftmost pair merges first
        ("abc", [97, 264]),          // "b c" (rank 8) is the only merge; "a b" does not exist
        ("aaaa hello", [263, 263, 32, 259]),
        ("\u{301}té", [204, 129, 116, 195, 169]),
    ])
    func mergeFormats(text: String, expected: [Int]) throws {
        let pairs = try TinyTokenizer.tokenizer(TinyTokenizer.document(mergeFormat: .pairs))
        let legacy = try TinyTokenizer.tokenizer(TinyTokenizer.document(mergeFormat: .legacyStrings))
        #expect(pairs.encode(text) == expected)
        #expect(legacy.encode(text) == expected)
    }

    @Test("ignore_merges emits a word that is in the vocabulary whole")
    func ignoreMerges() throws {
        let merging = try TinyTokenizer.tokenizer(TinyTokenizer.document(ignoreMerges: false))
        let ignoring = try TinyTokenizer.tokenizer(TinyTokenizer.document(ignoreMerges: true))
        #expect(merging.encode("hello world") == [259, 262, 108, 100])
        #expect(ignoring.encode("hello world") == [259, 265])
    }

    @Test("Unicode-scalar pre-tokenization keeps a combining mark apart from the word before it")
    func combiningMarks() throws {
        let preTokenizer = try PreTokenizer(.byteLevel(addPrefixSpace: false, useRegex: true), file: "test")
        func words(_ text: String) -> [String] {
            var words: [String] = []
            preTokenizer.forEachWord(in: text) { words.append(String(decoding: $0, as: UTF8.self)) }
            return words
        }
        #expect(words("\u{301}té") == ["\u{301}", "té"])
        #expect(words("a \u{301}té") == ["a", " \u{301}", "té"])
        #expect(words("e\u{301} x") == ["e", "\u{301}", " x"])
        #expect(words("a  b\r\n c\t\td  ") == ["a", " ", " b", "\r\n", " c", "\t", "\t", "d", "  "])
        #expect(words("I'M we'Ll don't") == ["I", "'", "M", " we", "'", "Ll", " don", "'t"])
        // Astral-plane scalars are two UTF-16 units: offsets must still map onto whole UTF-8 scalars.
        #expect(words("👨‍👩‍👧‍👦 🇫🇷!x") == ["👨‍👩‍👧‍👦", " 🇫🇷!", "x"])
    }

    @Test("ByteLevel add_prefix_space puts one space before text that lacks it")
    func prefixSpace() throws {
        let preTokenizer = try PreTokenizer(.byteLevel(addPrefixSpace: true, useRegex: true), file: "test")
        var words: [String] = []
        preTokenizer.forEachWord(in: "hi there") { words.append(String(decoding: $0, as: UTF8.self)) }
        preTokenizer.forEachWord(in: " x") { words.append(String(decoding: $0, as: UTF8.self)) }
        #expect(words == [" hi", " there", " x"])
    }

    static func withAddedTokens() throws -> BPETokenizer {
        try TinyTokenizer.tokenizer(TinyTokenizer.document(addedTokens: [
            TinyTokenizer.addedToken(266, "<|a|>"),
            TinyTokenizer.addedToken(267, "<|a|>b"),
            TinyTokenizer.addedToken(268, "<mask>", leftStrip: true, rightStrip: true),
            TinyTokenizer.addedToken(269, "ony", special: false, singleWord: true),
            TinyTokenizer.addedToken(270, "ǘ", special: false, normalized: true),
        ], normalizer: ["type": "NFC"]))
    }

    @Test("Added tokens: longest first, lstrip/rstrip, single_word, normalized", arguments: [
        ("x<|a|>b<|a|>", [120, 267, 266]),
        ("<|a|<|a|>", [60, 124, 97, 124, 266]),
        ("a <mask>  b", [97, 268, 98]),
        ("Anthony ony", [65, 110, 116, 104, 111, 110, 121, 32, 269]),
        ("u\u{308}\u{301} ony.", [270, 32, 269, 46]),    // NFC composes ǘ, then the normalized token matches
    ])
    func addedTokens(text: String, expected: [Int]) throws {
        #expect(try Self.withAddedTokens().encode(text) == expected)
    }

    @Test("Token and id lookups, special token ids")
    func lookups() throws {
        let tokenizer = try Self.withAddedTokens()
        #expect(tokenizer.id(forToken: "hello") == 259)
        #expect(tokenizer.id(forToken: "Ġ") == 32)
        #expect(tokenizer.id(forToken: "<mask>") == 268)
        #expect(tokenizer.token(forID: 262) == "Ġwor")
        #expect(tokenizer.token(forID: 267) == "<|a|>b")
        #expect(tokenizer.id(forToken: "nope") == nil)
        #expect(tokenizer.token(forID: 999) == nil)
        #expect(tokenizer.specialTokenIDs == ["<|a|>": 266, "<|a|>b": 267, "<mask>": 268])
        #expect(tokenizer.vocabularySize == 271)
    }

    @Test("Decoding maps byte characters back, keeps added tokens, and can skip special ones")
    func decoding() throws {
        let tokenizer = try Self.withAddedTokens()
        #expect(try tokenizer.decode([266, 104, 267, 259]) == "<|a|>h<|a|>bhello")
        #expect(try tokenizer.decode([266, 259, 270, 269], skipSpecialTokens: true) == "helloǘony")
        #expect(try tokenizer.decode([]) == "")
        #expect(throws: TokenizerError.unknownTokenID(271)) { try tokenizer.decode([259, 271]) }
        #expect(throws: TokenizerError.unknownTokenID(-1)) { try tokenizer.decode([-1]) }
    }

    @Test("Invalid UTF-8 byte sequences decode to U+FFFD per maximal invalid subpart, as from_utf8_lossy", arguments: [
        ([228, 189], "\u{FFFD}"),                      // truncated 3-byte sequence
        ([228, 189, 65], "\u{FFFD}A"),
        ([240, 159, 152], "\u{FFFD}"),                 // truncated 4-byte sequence
        ([192, 128], "\u{FFFD}\u{FFFD}"),              // overlong: both bytes invalid
        ([237, 160, 128], "\u{FFFD}\u{FFFD}\u{FFFD}"), // a UTF-16 surrogate
        ([255, 254, 65], "\u{FFFD}\u{FFFD}A"),
        ([228, 189, 160], "你"),
    ])
    func invalidUTF8Decoding(ids: [Int], expected: String) throws {
        let tokenizer = try TinyTokenizer.tokenizer(TinyTokenizer.document())
        let decoded = try tokenizer.decode(ids)
        #expect(Array(decoded.unicodeScalars) == Array(expected.unicodeScalars))
    }

    @Test("Words are cached up to the capacity; cached and fresh encodings agree")
    func cache() throws {
        let tokenizer = try BPETokenizer(data: TinyTokenizer.data(TinyTokenizer.document()), cacheCapacity: 1)
        for _ in 0..<3 {
            #expect(tokenizer.encode("hello aaaa world") == [259, 32, 263, 263, 262, 108, 100])
        }
    }
}
