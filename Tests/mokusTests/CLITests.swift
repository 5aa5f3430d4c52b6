import Foundation
import KnowledgeEditing
import Testing
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
