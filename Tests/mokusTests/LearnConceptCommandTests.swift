import Foundation
import Generators
import MoKus
@testable import mokus
import TestSupport
import Testing

/// `mokus learn-concept` on the concept fixtures (Tests/MoKusTests/Fixtures/concept) and the tiny
/// generator fixture.
@Suite("mokus learn-concept")
struct LearnConceptCommandTests {
    static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let images = tests.appending(path: "MoKusTests/Fixtures/concept/images")

    static func path(_ url: URL) -> String { url.path(percentEncoded: false) }

    static func arguments(images: URL = images, out: URL, checkpoints: URL) -> [String] {
        ["--generator", path(tests.appending(path: "GeneratorsTests/Fixtures/pipeline")),
         "--encoder", path(tests.appending(path: "TextEncodersTests/Fixtures/qwen2_5_vl")),
         "--images", path(images), "--prompt", "sks dog", "--size", "16x16", "--steps", "4", "--checkpoint-every", "2",
         "--checkpoints", path(checkpoints), "--out", path(out), "--quiet"]
    }

    @Test("defaults are the DreamBooth-LoRA script's as MoKus ran it")
    func defaults() throws {
        let command = try Mokus.LearnConcept.parse(["--images", "x", "--prompt", "sks star", "--out", "lora.safetensors"])
        let learning = command.learning
        #expect(learning.steps == 500 && learning.checkpointEvery == 100 && learning.batchSize == 1)
        #expect(learning.rank == 4 && learning.alpha == 4 && learning.learningRate == 2e-4 && learning.seed == 42)
        #expect(learning.weightingScheme == .none && learning.classPrompt == nil)
    }

    @Test("writes a diffusers LoRA file of rank 4 on to_q/to_k/to_v/to_out.0 of every block; a rerun resumes")
    func writesLoRA() throws {
        let folder = try TemporaryDirectory(label: "learn-concept")
        let out = folder.file("lora.safetensors")
        try Mokus.LearnConcept.parse(Self.arguments(out: out, checkpoints: folder.file("checkpoints"))).run()
        let transformer = try QwenImageTransformer(directory: Self.tests.appending(path: "GeneratorsTests/Fixtures/pipeline/transformer"))
        try transformer.loadLoRA(from: out)
        let lora = try #require(transformer.lora)
        #expect(lora.moduleNames.count == 8)
        #expect(lora.moduleNames.allSatisfy { name in ["to_q", "to_k", "to_v", "to_out.0"].contains { name.hasSuffix(".attn." + $0) } })
        #expect(lora.adapters.values.allSatisfy { $0.rank == 4 && $0.scale == 1 })
        #expect(FileManager.default.fileExists(atPath: Self.path(folder.file("checkpoints/checkpoint-00000004"))))

        // The same command again resumes at step 4 and writes the same adapters.
        let again = folder.file("again.safetensors")
        try Mokus.LearnConcept.parse(Self.arguments(out: again, checkpoints: folder.file("checkpoints"))).run()
        #expect(try Data(contentsOf: again) == Data(contentsOf: out))
    }

    @Test("an empty image folder fails before training and leaves no output")
    func emptyFolder() throws {
        let folder = try TemporaryDirectory(label: "learn-concept-empty")
        let empty = folder.file("images")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let out = folder.file("lora.safetensors")
        #expect(throws: MoKusError.emptyImageFolder(folder: Self.path(empty), reason: "the folder holds no file")) {
            try Mokus.LearnConcept.parse(Self.arguments(images: empty, out: out, checkpoints: folder.file("c"))).run()
        }
        #expect(!FileManager.default.fileExists(atPath: Self.path(out)))
    }
}
