import Foundation
import Testing
import Tokenizers

/// The committed Qwen fixtures (see Fixtures/SCHEMA.md): a tokenizer.json converted from the Qwen
/// tiktoken ranks, a corpus, and tiktoken's ids for every corpus line.
enum QwenFixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    struct Line: Decodable {
        let text: String
        /// NFC form of `text`, present only when it differs (tiktoken was given this form).
        let nfc: String?
    }

    static let tokenizer = Result { try BPETokenizer(contentsOf: directory.appendingPathComponent("qwen_tokenizer.json")) }

    /// Decodes each line of a JSON-lines fixture.
    static func jsonLines<T: Decodable>(_ name: String, as type: T.Type) throws -> [T] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try data.split(separator: UInt8(ascii: "\n")).map { try JSONDecoder().decode(type, from: Data($0)) }
    }
}

@Suite("Qwen tokenizer.json reproduces tiktoken's ids")
struct QwenParityTests {
    @Test("Every corpus line encodes to tiktoken's ids")
    func corpusParity() throws {
        let tokenizer = try QwenFixture.tokenizer.get()
        let lines = try QwenFixture.jsonLines("qwen_corpus.jsonl", as: QwenFixture.Line.self)
        let expected = try QwenFixture.jsonLines("qwen_expected_ids.jsonl", as: [Int].self)
        try #require(lines.count == expected.count)
        #expect(lines.count >= 2000)
        #expect(lines.contains { $0.nfc != nil }, "the corpus must include lines that are not NFC")
        var mismatches: [String] = []
        for (index, (line, ids)) in zip(lines, expected).enumerated() {
            let ours = tokenizer.encode(line.text)
            if ours != ids {
                mismatches.append(
                    "line \(index + 1) \(line.text.debugDescription):\n  ours:     \(ours)\n  tiktoken: \(ids)")
            }
        }
        let report = mismatches.prefix(20).joined(separator: "\n")
        #expect(mismatches.count == 0, "\(mismatches.count) of \(lines.count) lines differ:\n\(report)")
    }

    @Test("Decoding the ids gives back the (NFC) text, byte for byte")
    func roundTrip() throws {
        let tokenizer = try QwenFixture.tokenizer.get()
        let lines = try QwenFixture.jsonLines("qwen_corpus.jsonl", as: QwenFixture.Line.self)
        var failures: [String] = []
        for (index, line) in lines.enumerated() {
            let decoded = try tokenizer.decode(tokenizer.encode(line.text))
            // Compare bytes: String == is canonical equivalence and would hide a missing NFC.
            if Array(decoded.utf8) != Array((line.nfc ?? line.text).utf8) {
                failures.append("line \(index + 1): \(line.text.debugDescription) → \(decoded.debugDescription)")
            }
        }
        let report = failures.prefix(20).joined(separator: "\n")
        #expect(failures.count == 0, "\(failures.count) lines do not round-trip:\n\(report)")
    }

    @Test("Tasks encoding at once through the shared word cache get the same ids as one task")
    func concurrentEncoding() async throws {
        let tokenizer = try BPETokenizer(contentsOf: QwenFixture.directory.appendingPathComponent("qwen_tokenizer.json"))
        let lines = try QwenFixture.jsonLines("qwen_corpus.jsonl", as: QwenFixture.Line.self).map(\.text)
        let expected = try QwenFixture.jsonLines("qwen_expected_ids.jsonl", as: [Int].self)
        let results = await withTaskGroup(of: (Int, [[Int]]).self) { group in
            for task in 0..<4 {
                group.addTask { (task, lines.map(tokenizer.encode)) }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == 4)
        for (_, ids) in results {
            #expect(ids == expected)
        }
    }

    @Test("Qwen special tokens and the chat template")
    func specialTokens() throws {
        let tokenizer = try QwenFixture.tokenizer.get()
        #expect(tokenizer.specialTokenIDs["<|endoftext|>"] == 151643)
        #expect(tokenizer.specialTokenIDs["<|im_start|>"] == 151644)
        #expect(tokenizer.specialTokenIDs["<|im_end|>"] == 151645)
        #expect(tokenizer.specialTokenIDs["<tool_call>"] == nil)     // an added token, but not special
        #expect(tokenizer.id(forToken: "<tool_call>") == 151657)
        #expect(tokenizer.vocabularySize == 151665)
        let ids = tokenizer.encode("<|im_start|>user\nA red apple<|im_end|>\n<|im_start|>assistant\n")
        #expect(ids.first == 151644)
        #expect(ids.filter { $0 == 151645 }.count == 1)
        #expect(try tokenizer.decode(ids, skipSpecialTokens: true) == "user\nA red apple\nassistant\n")
    }
}
