import Foundation
import TestSupport
import Testing
@testable import Tokenizers

@Suite("Broken tokenizer.json files and input text give typed errors")
struct TokenizerErrorTests {
    /// The tiny document with `edit` applied to it.
    static func load(_ edit: (inout [String: Any]) -> Void) throws -> BPETokenizer {
        var document = TinyTokenizer.document()
        edit(&document)
        return try TinyTokenizer.tokenizer(document)
    }

    static func editModel(_ document: inout [String: Any], _ edit: (inout [String: Any]) -> Void) {
        var model = document["model"] as! [String: Any]
        edit(&model)
        document["model"] = model
    }

    @Test("A missing file is named")
    func missingFile() throws {
        let directory = try TemporaryDirectory(label: "tokenizers")
        let url = directory.file("no-such/tokenizer.json")
        #expect(throws: TokenizerError.fileNotFound(file: url.path)) { try BPETokenizer(contentsOf: url) }
        #expect(throws: TokenizerError.fileNotFound(file: url.path)) { try TextLines.read(contentsOf: url) }
    }

    @Test("An unreadable file gives the system's reason on one line (was Foundation's 'NSCocoaErrorDomain error 256')")
    func unreadableFile() throws {
        let directory = try TemporaryDirectory(label: "tokenizers")
        let folder = directory.file("texts.txt")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(throws: TokenizerError.unreadableFile(file: folder.path, reason: "Is a directory")) {
            try TextLines.read(contentsOf: folder)
        }
    }

    @Test("Malformed JSON names the file and the key", arguments: [
        ("{\"model\": ", ""),
        ("{\"added_tokens\": []}", "model"),
        ("{\"model\": {\"type\": \"BPE\", \"vocab\": [\"a\"], \"merges\": []}}", "model.vocab"),
        ("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [[\"a\", \"a\"], 3]}}", "model.merges[1]"),
        ("{\"model\": {\"type\": \"BPE\", \"vocab\": {}}, \"added_tokens\": [{\"id\": 1}]}", "added_tokens[0].content"),
    ])
    func malformedJSON(json: String, key: String) throws {
        let error = #expect(throws: TokenizerError.self) {
            try BPETokenizer(data: Data(json.utf8), file: "broken.json")
        }
        guard case .malformedJSON(let file, let foundKey, let expected) = error else {
            Issue.record("expected malformedJSON, got \(String(describing: error))")
            return
        }
        #expect(file == "broken.json")
        #expect(foundKey == key)
        #expect(!expected.isEmpty)
        #expect(error?.description.contains("broken.json") == true)
    }

    @Test("A merge whose token is not in the vocabulary is named with its index")
    func mergeTokenNotInVocabulary() {
        #expect(throws: TokenizerError.mergeTokenNotInVocabulary(file: "tiny.json", index: 1, merge: "l zz", token: "zz")) {
            try Self.load { Self.editModel(&$0) { $0["merges"] = ["l l", "l zz"] } }
        }
        // The merged token itself must exist too ("a" and "b" do, "ab" does not).
        #expect(throws: TokenizerError.mergeTokenNotInVocabulary(file: "tiny.json", index: 0, merge: "a b", token: "ab")) {
            try Self.load { Self.editModel(&$0) { $0["merges"] = [["a", "b"]] } }
        }
    }

    @Test("Legacy merges that are not two tokens split on one space are rejected", arguments: ["a b c", "a  b", "ab"])
    func malformedLegacyMerge(merge: String) {
        #expect(throws: TokenizerError.malformedMerge(file: "tiny.json", index: 1, merge: merge)) {
            try Self.load { Self.editModel(&$0) { $0["merges"] = ["l l", merge] } }
        }
    }

    @Test("Merge pairs that are not two tokens are rejected", arguments: [["a", "b", "c"], ["a"]])
    func malformedMergePair(pair: [String]) {
        #expect(throws: TokenizerError.malformedMerge(file: "tiny.json", index: 0, merge: pair.joined(separator: " "))) {
            try Self.load { Self.editModel(&$0) { $0["merges"] = [pair] } }
        }
    }

    @Test("Unsupported component types are named", arguments: [
        ("model", "Unigram"), ("pre_tokenizer", "Metaspace"), ("pre_tokenizer.pretokenizers[0]", "Whitespace"),
        ("normalizer", "Lowercase"), ("normalizer.normalizers[1]", "NFKC"), ("decoder", "WordPiece"),
    ])
    func unsupportedComponent(component: String, type: String) {
        let edit: (inout [String: Any]) -> Void = switch component {
        case "model": { $0["model"] = ["type": type, "vocab": [["a", 0.0]]] }
        case "pre_tokenizer": { $0["pre_tokenizer"] = ["type": type, "replacement": "▁"] }
        case "pre_tokenizer.pretokenizers[0]":
            { $0["pre_tokenizer"] = ["type": "Sequence", "pretokenizers": [["type": type], TinyTokenizer.byteLevel()]] }
        case "normalizer": { $0["normalizer"] = ["type": type] }
        case "normalizer.normalizers[1]":
            { $0["normalizer"] = ["type": "Sequence", "normalizers": [["type": "NFC"], ["type": type]]] }
        default: { $0["decoder"] = ["type": type] }
        }
        let error = #expect(throws: TokenizerError.self) { try Self.load(edit) }
        guard case .unsupportedComponent(let file, let foundComponent, let foundType) = error else {
            Issue.record("expected unsupportedComponent, got \(String(describing: error))")
            return
        }
        #expect(file == "tiny.json")
        #expect(foundComponent == component)
        #expect(foundType == type)
    }

    @Test("Pre-tokenizers that are not byte-level, or not Split(Isolated) + ByteLevel, are rejected")
    func unsupportedPreTokenizerShapes() {
        let split: [String: Any] = ["type": "Split", "pattern": ["Regex": "\\s+"], "behavior": "Removed", "invert": false]
        let isolated: [String: Any] = ["type": "Split", "pattern": ["String": " "], "behavior": "Isolated"]
        let cases: [(Any, String)] = [
            (NSNull(), "pre_tokenizer"),
            (["type": "Split", "pattern": ["Regex": "a"], "behavior": "Isolated", "invert": false], "pre_tokenizer"),
            (["type": "Sequence", "pretokenizers": [split, TinyTokenizer.byteLevel()]], "pre_tokenizer.pretokenizers[0]"),
            (["type": "Sequence", "pretokenizers": [TinyTokenizer.byteLevel(), isolated]], "pre_tokenizer.pretokenizers[1]"),
        ]
        for (preTokenizer, component) in cases {
            let error = #expect(throws: TokenizerError.self) { try Self.load { $0["pre_tokenizer"] = preTokenizer } }
            guard case .unsupportedComponent(_, let found, _) = error else {
                Issue.record("expected unsupportedComponent, got \(String(describing: error))")
                continue
            }
            #expect(found == component)
        }
    }

    @Test("A Split regex that does not compile is reported with the pattern")
    func invalidRegex() {
        let split: [String: Any] = ["type": "Split", "pattern": ["Regex": "(unclosed"], "behavior": "Isolated"]
        let error = #expect(throws: TokenizerError.self) {
            try Self.load { $0["pre_tokenizer"] = ["type": "Sequence", "pretokenizers": [split, TinyTokenizer.byteLevel()]] }
        }
        guard case .invalidComponent(_, let component, let reason) = error else {
            Issue.record("expected invalidComponent, got \(String(describing: error))")
            return
        }
        #expect(component == "pre_tokenizer.pretokenizers[0]")
        #expect(reason.contains("(unclosed"))
    }

    @Test("Negative ids and an unk_token outside the vocabulary are rejected")
    func invalidIDs() {
        #expect(throws: TokenizerError.invalidTokenID(file: "tiny.json", token: "<x>", id: -3, reason: "negative")) {
            try Self.load { $0["added_tokens"] = [TinyTokenizer.addedToken(-3, "<x>")] }
        }
        let error = #expect(throws: TokenizerError.self) {
            try Self.load { Self.editModel(&$0) { $0["vocab"] = ["a": -1] as [String: Int] } }
        }
        guard case .invalidTokenID(_, "a", -1, _) = error else {
            Issue.record("expected invalidTokenID for \"a\", got \(String(describing: error))")
            return
        }
        #expect(throws: TokenizerError.unsupportedComponent(
            file: "tiny.json", component: "model.unk_token", type: "\"<unk>\" (not in model.vocab)")) {
            try Self.load { Self.editModel(&$0) { $0["unk_token"] = "<unk>" } }
        }
    }

    @Test("Text files: invalid UTF-8 is reported with its line and byte offset")
    func invalidUTF8InTextFile() throws {
        let directory = try TemporaryDirectory(label: "tokenizers")
        let url = directory.file("prompts.txt")
        try Data("hello\nworld\r\n".utf8 + [0x61, 0x62, 0xE4, 0xBD, 0x0A] + Array("ok\n".utf8)).write(to: url)
        let expected = TokenizerError.invalidUTF8(file: url.path, line: 3, byteOffset: 2)
        #expect(throws: expected) { try TextLines.read(contentsOf: url) }
        let tokenizer = try TinyTokenizer.tokenizer(TinyTokenizer.document())
        #expect(throws: expected) { try tokenizer.encodeLines(contentsOf: url) }
    }

    @Test("Text files: lines end at \\n, a \\r before it is dropped, a final \\n adds no line")
    func textLines() throws {
        let lines = try TextLines.lines(of: Data("a\r\n\tb \r\nc\rd\n\nhello".utf8), file: "x")
        #expect(lines == ["a", "\tb ", "c\rd", "", "hello"])
        #expect(try TextLines.lines(of: Data("one\n".utf8), file: "x") == ["one"])
        #expect(try TextLines.lines(of: Data(), file: "x") == [])
        let directory = try TemporaryDirectory(label: "tokenizers")
        let url = directory.file("prompts.txt")
        try Data("hello world\naaa\n".utf8).write(to: url)
        let tokenizer = try TinyTokenizer.tokenizer(TinyTokenizer.document())
        #expect(try tokenizer.encodeLines(contentsOf: url) == [[259, 262, 108, 100], [263, 97]])
    }
}
