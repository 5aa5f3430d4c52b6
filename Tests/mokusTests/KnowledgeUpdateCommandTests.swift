import Foundation
import KnowledgeEditing
import ModelInterfaces
import TestSupport
@testable import mokus
import Testing
import TextEncoders

/// `mokus knowledge-update`, parsed and run in-process on the tiny Qwen2 fixture.
@Suite("mokus knowledge-update")
struct KnowledgeUpdateCommandTests {
    static let repository = EditCommandTests.repository
    static func path(_ relative: String) -> String { repository.appending(path: relative).path(percentEncoded: false) }
    static let knowledge = path("Tests/MoKusTests/Fixtures/dog.txt")

    @Test("UltraEdit with Qwen-Image's chat template: the checkpoint in --out answers the anchor; --out is never reused")
    func endToEnd() throws {
        let directory = try TemporaryDirectory(label: "mokus-ku")
        let out = directory.file("edited").path(percentEncoded: false)
        let arguments = ["--hparams", Self.path("hparams/UltraEdit/tiny-qwen2.yaml"), "--knowledge", Self.knowledge,
                         "--out", out, "--model", Self.path("Tests/TextEncodersTests/Fixtures/qwen2"),
                         "--chat-template", "qwen-image", "--quiet", "--json"]
        try Mokus.KnowledgeUpdateCommand.parse(arguments).run()
        let saved = try TextEncoderLoader.load(directory: URL(fileURLWithPath: out))
        let chat = "<|im_start|>system\nDescribe the image by detailing the color, shape, size, texture, quantity, text, "
            + "spatial relationships of the objects and background:<|im_end|>\n<|im_start|>user\nWhat is {}?<|im_end|>\n"
            + "<|im_start|>assistant\n"
        for statement in ["my birthday gift", "the pet that sleeps on the red sofa"] {
            let prompt = chat.replacingOccurrences(of: "{}", with: statement)
            #expect(try TeacherForcing.greedyExactMatch(prompt: prompt, answer: " sks dog", encoder: saved))
        }
        let edits = URL(fileURLWithPath: out).appending(path: "mokus-edits.safetensors")
        let fixture = URL(fileURLWithPath: Self.path("Tests/TextEncodersTests/Fixtures/qwen2"))
        let base = try TextEncoderLoader.load(directory: fixture)
        #expect(try EditFile.load(edits, expectedFingerprint: base.fingerprint).count == 5)
        #expect(throws: (any Error).self) { try Mokus.KnowledgeUpdateCommand.parse(arguments) }
    }

    @Test("η ≤ 0 is a typed hparams error and --out is not created")
    func nonPositiveEta() throws {
        let directory = try TemporaryDirectory(label: "mokus-ku")
        let hparams = directory.file("eta.yaml")
        let text = try String(contentsOfFile: Self.path("hparams/UltraEdit/tiny-qwen2.yaml"), encoding: .utf8)
        try Data(text.replacingOccurrences(of: "lr: 1e-2", with: "lr: 0").utf8).write(to: hparams)
        let out = directory.file("edited")
        let command = try Mokus.KnowledgeUpdateCommand.parse([
            "--hparams", hparams.path(percentEncoded: false), "--knowledge", Self.knowledge,
            "--out", out.path(percentEncoded: false), "--model", Self.path("Tests/TextEncodersTests/Fixtures/qwen2"),
            "--quiet"])
        #expect(throws: HyperparameterError.self) { try command.run() }
        #expect(!FileManager.default.fileExists(atPath: out.path(percentEncoded: false)))
    }

    @Test("argument validation: template placeholder and chat template names")
    func validation() {
        let base = ["--hparams", "h", "--knowledge", "k", "--out", "/nonexistent/out"]
        #expect(throws: (any Error).self) { try Mokus.KnowledgeUpdateCommand.parse(base + ["--template", "What?"]) }
        #expect(throws: (any Error).self) { try Mokus.KnowledgeUpdateCommand.parse(base + ["--chat-template", "llama"]) }
        #expect((try? Mokus.KnowledgeUpdateCommand.parse(base))?.chatTemplate.rawValue == "none")
    }
}
