import Foundation
import KnowledgeEditing
import Testing
import TextEncoders
import Tokenizers
@testable import mokus

/// The `mokus` commands, parsed and run in-process on the committed text-encoder fixtures.
@Suite("mokus info and encode")
struct CLITests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "TextEncodersTests/Fixtures")

    func model(_ name: String) -> String { Self.fixtures.appending(path: name).path(percentEncoded: false) }

    @Test("encode computes ids and the most likely next tokens")
    func encode() throws {
        let encoder = try loadEncoder(try ModelOptions.parse(["--model", model("llama")]))
        let result = try NextTokens.compute(encoder, text: "The capital of France is", count: 3)
        #expect(result.ids == (try encoder.tokenize("The capital of France is")))
        #expect(result.top.count == 3)
        #expect(result.top[0].1 >= result.top[1].1 && result.top[1].1 >= result.top[2].1)
        // log-probabilities of the whole vocabulary sum to 1.
        #expect(result.top.allSatisfy { $0.1 <= 0 })
        let json = result.json
        #expect(Set(json.keys) == ["ids", "tokens", "top"])
        #expect(JSONSerialization.isValidJSONObject(json))
    }

    @Test("argument validation: exactly one text source, positive --top")
    func validation() {
        #expect(throws: (any Error).self) { try Mokus.Encode.parse(["--model", "m"]) }
        #expect(throws: (any Error).self) { try Mokus.Encode.parse(["--model", "m", "--text", "a", "--text-file", "f"]) }
        #expect(throws: (any Error).self) { try Mokus.Encode.parse(["--model", "m", "--text", "a", "--top", "0"]) }
        #expect((try? Mokus.Info.parse(["--model", "m", "--json"]))?.json == true)
    }

    @Test("commands fail with typed errors on bad input, not crashes")
    func badInput() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "mokus-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appending(path: "texts.txt")
        try Data([0x61, 0x0A, 0xFF, 0xFE, 0x0A]).write(to: file)
        var command = try Mokus.Encode.parse(["--model", model("gpt2"), "--text-file", file.path(percentEncoded: false)])
        #expect(throws: TokenizerError.invalidUTF8(file: file.path, line: 2, byteOffset: 0)) { try command.run() }
        command = try Mokus.Encode.parse(["--model", directory.path(percentEncoded: false), "--text", "hi"])
        #expect {
            try command.run()
        } throws: { error in
            guard case .unreadableFile(let path, _)? = error as? TextEncoderError else { return false }
            return path.hasSuffix("config.json")
        }
    }
}

@Suite("mokus edit")
struct EditCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("ROME from the tiny hparams, sequential, saved edits and model reload to the same logits")
    func romeEndToEnd() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "mokus-edit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let requests = directory.appending(path: "requests.json")
        try Data(#"[{"prompt": "The red apple is on the", "subject": "The red apple", "target_new": "table"}]"#.utf8).write(to: requests)
        let edits = directory.appending(path: "edits.safetensors"), model = directory.appending(path: "model")
        let fixture = Self.repository.appending(path: "Tests/TextEncodersTests/Fixtures/qwen2").path(percentEncoded: false)
        var command = try Mokus.Edit.parse([
            "--hparams", Self.repository.appending(path: "hparams/ROME/tiny-qwen2.yaml").path(percentEncoded: false),
            "--requests", requests.path(percentEncoded: false), "--model", fixture, "--sequential", "--quiet",
            "--save-edits", edits.path(percentEncoded: false), "--save-model", model.path(percentEncoded: false)])
        try command.run()
        let saved = try TextEncoderLoader.load(directory: model)
        let base = try TextEncoderLoader.load(directory: URL(fileURLWithPath: fixture))
        let replay = EditSession(encoder: base)
        for record in try EditFile.load(edits, expectedFingerprint: base.fingerprint) { try replay.apply(record) }
        let batch = TokenBatch([try base.tokenize("The red apple is on the")])
        #expect(try saved.forward(batch).logits!.scalars == (try base.forward(batch).logits!.scalars))
        #expect(throws: (any Error).self) { try Mokus.Edit.parse(["--hparams", "h", "--requests", "r", "--save-edits", "e"]) }
    }
}
