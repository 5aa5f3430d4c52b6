import Foundation
import TestSupport
import Testing
import Tokenizers

/// The vocab.json + merges.txt + tokenizer_config.json layout (the Qwen-Image repository's
/// `tokenizer/` folder), made here from the committed Qwen tokenizer.json's vocabulary, merges and
/// added tokens, must encode the parity corpus to tiktoken's ids like the tokenizer.json does.
@Suite("Qwen2 vocabulary files (vocab.json, merges.txt, tokenizer_config.json)")
struct VocabularyFilesTests {
    /// Writes the three files of the Qwen fixture into a new temporary folder.
    static func writeFolder(tokenizerClass: String = "Qwen2Tokenizer") throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory(label: "vocab-files")
        let json = try JSONSerialization.jsonObject(
            with: Data(contentsOf: QwenFixture.directory.appendingPathComponent("qwen_tokenizer.json"))) as! [String: Any]
        let model = json["model"] as! [String: Any]
        try JSONSerialization.data(withJSONObject: model["vocab"]!).write(to: folder.file("vocab.json"))
        let merges = (model["merges"] as! [Any]).map { ($0 as? String) ?? ($0 as! [String]).joined(separator: " ") }
        try Data((["#version: 0.2"] + merges).joined(separator: "\n").utf8).write(to: folder.file("merges.txt"))
        var decoder: [String: Any] = [:]
        for token in json["added_tokens"] as! [[String: Any]] {
            var entry = token
            entry["id"] = nil
            decoder[String(token["id"] as! Int)] = entry
        }
        let config: [String: Any] = ["tokenizer_class": tokenizerClass, "added_tokens_decoder": decoder]
        try JSONSerialization.data(withJSONObject: config).write(to: folder.file("tokenizer_config.json"))
        return folder
    }

    @Test("every corpus line encodes to tiktoken's ids, and special tokens keep their ids")
    func corpusParity() throws {
        let folder = try Self.writeFolder()
        #expect(BPETokenizer.hasTokenizerFiles(in: folder.url))
        let tokenizer = try BPETokenizer(contentsOf: folder.url)
        let lines = try QwenFixture.jsonLines("qwen_corpus.jsonl", as: QwenFixture.Line.self)
        let expected = try QwenFixture.jsonLines("qwen_expected_ids.jsonl", as: [Int].self)
        let mismatches = zip(lines, expected).filter { tokenizer.encode($0.text) != $1 }.count
        #expect(mismatches == 0, "\(mismatches) of \(lines.count) lines differ from tiktoken")
        let reference = try QwenFixture.tokenizer.get()
        let chat = "<|im_start|>system\nDescribe the image.<|im_end|>\n<|im_start|>user\nA red apple<|im_end|>\n"
        #expect(tokenizer.encode(chat) == reference.encode(chat))
        #expect(tokenizer.specialTokenIDs == reference.specialTokenIDs)
        #expect(tokenizer.vocabularySize == reference.vocabularySize)
    }

    @Test("another tokenizer class, a broken merge line and a missing config are typed errors")
    func brokenFolders() throws {
        let folder = try Self.writeFolder(tokenizerClass: "LlamaTokenizer")
        let config = folder.file("tokenizer_config.json").path
        #expect(throws: TokenizerError.unsupportedComponent(file: config, component: "tokenizer_class", type: "LlamaTokenizer")) {
            try BPETokenizer(contentsOf: folder.url)
        }
        let fixed = try Self.writeFolder()
        let merges = fixed.file("merges.txt")
        try Data("#version: 0.2\nĠ Ġ\nĠ t h\n".utf8).write(to: merges)
        #expect(throws: TokenizerError.malformedMerge(file: merges.path, index: 3, merge: "Ġ t h")) {
            try BPETokenizer(contentsOf: fixed.url)
        }
        try FileManager.default.removeItem(at: fixed.file("tokenizer_config.json"))
        #expect(throws: TokenizerError.fileNotFound(file: fixed.file("tokenizer_config.json").path)) {
            try BPETokenizer(contentsOf: fixed.url)
        }
    }
}
