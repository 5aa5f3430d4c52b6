import Foundation
import TestSupport
import Testing
@testable import Tokenizers

@Suite("BPETrainer learns byte-level merges and writes a loadable tokenizer")
struct BPETrainerTests {
    static func train(_ texts: [String], vocabularySize: Int = 1_000, minimumPairFrequency: Int = 2) throws -> TrainedBPE {
        try BPETrainer(configuration: .init(vocabularySize: vocabularySize, minimumPairFrequency: minimumPairFrequency))
            .train(texts: texts)
    }

    /// Words: "ab" ×1, "Ġab" ×2, "Ġcd" ×2. Counts: (a,b) 3, then ties at 2 broken by bytes: the space
    /// byte 0x20 sorts before "c" (though its character Ġ, U+0120, sorts after), and "ab" before "c".
    @Test("Merges follow the counts and the byte-order tie rule, worked by hand")
    func handWorkedMerges() throws {
        let trained = try Self.train(["ab ab ab cd cd"])
        #expect(trained.mergePairs.map { "\($0.left) \($0.right)" } == ["a b", "Ġ ab", "Ġ c", "Ġc d"])
        let vocabulary = trained.vocabulary
        #expect(vocabulary["ab"] == 256 && vocabulary["Ġab"] == 257 && vocabulary["Ġc"] == 258 && vocabulary["Ġcd"] == 259)
        // GPT-2's byte order: "!" is 0 and "Ġ" (the space byte) is 220, as in GPT-2 and Qwen2.
        #expect(vocabulary["!"] == 0 && vocabulary["Ġ"] == 220 && vocabulary.count == 260)

        let rarer = try Self.train(["ab ab ab cd cd"], minimumPairFrequency: 3)
        #expect(rarer.mergePairs.map { "\($0.left) \($0.right)" } == ["a b"])
        let capped = try Self.train(["ab ab ab cd cd"], vocabularySize: 256 + 3 + 2)
        #expect(capped.mergePairs.count == 2 && capped.vocabularySize == 261)
    }

    @Test("A pair of equal tokens merges left to right without overlap")
    func repeatedSymbols() throws {
        let trained = try Self.train(["aaa aaa aaa"], minimumPairFrequency: 1)
        // "aaa" → (a,a) counts 2 per word; after merging: [aa, a] per word, then (aa, a).
        #expect(trained.mergePairs.prefix(2).map { "\($0.left) \($0.right)" } == ["a a", "aa a"])
        #expect(try trained.tokenizer().encode("aaaa") == [trained.vocabulary["aa"]!, trained.vocabulary["aa"]!])
    }

    @Test("Special tokens get the ids right after the regular vocabulary and are never learned from")
    func specialTokenIDs() throws {
        let trained = try Self.train(["<|im_start|>xy xy<|im_end|>", "xy<|endoftext|>"])
        let regular = trained.regularVocabularySize
        #expect(trained.specialTokenIDs == ["<|endoftext|>": regular, "<|im_start|>": regular + 1, "<|im_end|>": regular + 2])
        #expect(!trained.vocabulary.keys.contains { $0.count > 1 && $0.contains("|") }, "special tokens were learned from")
        let tokenizer = try trained.tokenizer()
        #expect(tokenizer.encode("<|im_end|>") == [regular + 2])
        #expect(tokenizer.vocabularySize == trained.vocabularySize)
        #expect(tokenizer.specialTokenIDs == trained.specialTokenIDs)
    }

    @Test("Training is deterministic and independent of the order of texts")
    func determinism() throws {
        let texts = try TrainedBPEFixture.texts("corpus.jsonl")
        let first = try Self.train(texts, vocabularySize: 500)
        let again = try Self.train(texts, vocabularySize: 500)
        let reversed = try Self.train(texts.reversed(), vocabularySize: 500)
        #expect(first.tokenizerJSON() == again.tokenizerJSON())
        #expect(first.tokenizerJSON() == reversed.tokenizerJSON())
        #expect(first.tokenizerConfigJSON() == reversed.tokenizerConfigJSON())
    }

    @Test("More merges mean fewer tokens for the training corpus")
    func mergesReduceTokenCount() throws {
        let texts = try TrainedBPEFixture.texts("corpus.jsonl")
        var counts: [Int] = []
        for size in [259, 300, 600] {
            let tokenizer = try Self.train(texts, vocabularySize: size).tokenizer()
            counts.append(texts.reduce(0) { $0 + tokenizer.encode($1).count })
        }
        #expect(counts[0] > counts[1] && counts[1] > counts[2], "\(counts)")
        #expect(counts[2] * 3 < counts[0], "600 tokens should cut the byte count by more than 3×: \(counts)")
    }

    @Test("Encoding then decoding gives back the NFC text")
    func roundTrip() throws {
        let tokenizer = try TrainedBPEFixture.trained.get().tokenizer()
        let texts = try TrainedBPEFixture.texts("corpus.jsonl") + TrainedBPEFixture.texts("heldout.jsonl")
        for text in texts {
            let decoded = try tokenizer.decode(tokenizer.encode(text))
            #expect(Array(decoded.utf8) == Array(text.precomposedStringWithCanonicalMapping.utf8), "\(text.debugDescription)")
        }
    }

    @Test("The written folder loads as a tokenizer, with no temporary files left")
    func writeAndLoad() throws {
        let trained = try Self.train(["hello world, hello tokenizer", "world peace"])
        let directory = try TemporaryDirectory(label: "bpe")
        let folder = directory.file("nested")
        try trained.write(to: folder)
        try trained.write(to: folder)  // replaces the files
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            == ["tokenizer.json", "tokenizer_config.json"])
        let loaded = try BPETokenizer(contentsOf: folder)
        #expect(loaded.encode("hello world") == (try trained.tokenizer().encode("hello world")))
        #expect(try loaded.decode(loaded.encode("hello there")) == "hello there")
    }

    @Test("Bad configurations, empty corpora and unwritable folders give typed errors")
    func errors() throws {
        #expect(throws: TokenizerError.vocabularyTooSmall(requested: 258, minimum: 259)) {
            try BPETrainer(configuration: .init(vocabularySize: 258))
        }
        #expect(throws: TokenizerError.invalidTrainingConfiguration(key: "minimumPairFrequency", expected: "at least 1", found: "0")) {
            try BPETrainer(configuration: .init(vocabularySize: 300, minimumPairFrequency: 0))
        }
        #expect(throws: TokenizerError.self) {
            try BPETrainer(configuration: .init(vocabularySize: 300, endOfSequenceToken: "</s>"))
        }
        #expect(throws: TokenizerError.self) {
            try BPETrainer(configuration: .init(vocabularySize: 300, specialTokens: ["<a>", "<a>"], endOfSequenceToken: "<a>",
                                                paddingToken: "<a>"))
        }
        #expect(throws: TokenizerError.emptyCorpus(texts: 0)) { try Self.train([]) }
        #expect(throws: TokenizerError.emptyCorpus(texts: 2)) { try Self.train(["", "<|im_end|><|endoftext|>"]) }

        let directory = try TemporaryDirectory(label: "bpe-file")
        let file = try directory.write("x", to: "file")
        let error = #expect(throws: TokenizerError.self) { try Self.train(["ab ab"]).write(to: file.appendingPathComponent("out")) }
        guard case .writeFailed(let path, _) = error else {
            Issue.record("expected writeFailed, got \(String(describing: error))")
            return
        }
        #expect(path.hasSuffix("/out"))
    }
}
