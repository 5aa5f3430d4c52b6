import ArgumentParser
import Foundation
import ModelInterfaces
import TestSupport
@testable import mokus
import Testing

/// Issue 17: the CLI's arguments are bounded and checked before a run, its outputs are planned
/// before the first is written and removed when the run fails, and Foundation's errors print as
/// one line.
@Suite("mokus arguments, outputs and error messages")
struct ReliabilityCommandTests {
    /// The message ArgumentParser prints for a parse of `arguments`.
    func message<C: ParsableCommand>(_ command: C.Type, _ arguments: [String]) -> String {
        do {
            _ = try command.parse(arguments)
            return ""
        } catch {
            return command.message(for: error)
        }
    }

    static func scratch() throws -> TemporaryDirectory { try TemporaryDirectory(label: "mokus-reliability") }

    @Test("numbers out of range say so: --top -1 (was \"Missing value\"), --steps 1e12, --guidance nan, --size overflow, --count -1")
    func numbers() {
        #expect(message(Mokus.Encode.self, ["--text", "a", "--top", "-1"]) == "--top must be in 1...1000000, found -1.")
        #expect(message(Mokus.Generate.self, ["--prompt", "a", "--steps", "1000000000000"]).contains("--steps must be in 1...10000"))
        #expect(message(Mokus.Generate.self, ["--prompt", "a", "--guidance", "nan"]).contains("--guidance must be a finite number"))
        #expect(message(Mokus.Generate.self, ["--prompt", "a", "--size", "9223372036854775807x2"]).contains("--size"))
        #expect(message(Mokus.Apply.self, ["--edits", "e", "--save-model", "/tmp/mokus-new-\(UUID())", "--count", "-1"])
            .contains("--count must be in 0...1000000"))
        #expect(MemorySize(argument: "8G")?.bytes == 8 << 30 && MemorySize(argument: "512MiB")?.bytes == 512 << 20)
        #expect(MemorySize(argument: "-1") == nil && MemorySize(argument: "nanG") == nil && MemorySize(argument: "1e30T") == nil)
    }

    @Test("outputs: empty paths, two options on one path, a missing folder are refused before running")
    func plannedOutputs() throws {
        let folder = try Self.scratch()
        let same = folder.file("x").path(percentEncoded: false)
        #expect(message(Mokus.Apply.self, ["--edits", "e", "--save-model", ""]) == "--save-model: the path is empty.")
        #expect(message(Mokus.Edit.self, ["--hparams", "h.yaml", "--requests", "r", "--save-edits", same, "--save-model", same])
            .contains("--save-edits and --save-model name the same path"))
        #expect(message(Mokus.Generate.self, ["--prompt", "a", "--out", same, "--save-latents", same]).contains("name the same path"))
        #expect(message(Mokus.Generate.self, ["--prompt", "a", "--out", "/nonexistent-mokus/x.png"]).contains("does not exist"))
    }

    @Test("a run that fails after writing removes what it wrote (an edits file without its model); files that existed stay")
    func failedRunLeavesNothing() throws {
        let folder = try Self.scratch()
        let edits = folder.file("edits.safetensors"), model = folder.file("model")
        let kept = folder.file("kept.png"), numbered = folder.file("edits-2.safetensors")
        try Data("old".utf8).write(to: kept)
        let plan = try OutputPlan([
            .init(option: "--save-edits", path: edits.path(percentEncoded: false)),
            .init(option: "--save-model", path: model.path(percentEncoded: false), isFolder: true),
            .init(option: "--out", path: kept.path(percentEncoded: false)),
        ])
        struct Failure: Error {}
        #expect(throws: Failure.self) {
            try plan.run { written in
                try Data("edits".utf8).write(to: edits)
                try Data("batch 2".utf8).write(to: numbered)
                written(numbered)
                throw Failure()
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path(percentEncoded: false)) == ["kept.png"])
    }

    @Test("Foundation's filesystem errors print as one line with the path (not Error Domain=… UserInfo={…})")
    func fileSystemErrors() throws {
        do {
            try FileManager.default.createDirectory(atPath: "/proc/nonexistent-mokus/a/b", withIntermediateDirectories: true)
            Issue.record("the directory should not be creatable")
        } catch {
            let cleaned = try #require(FileSystemError(error))
            #expect(cleaned.description.hasSuffix(": No such file or directory"))
            #expect(!cleaned.description.contains("Domain") && !cleaned.description.contains("\n"))
            #expect(Mokus.message(for: cleaned) == cleaned.description)
        }
        #expect(FileSystemError(ValidationError("x")) == nil)
    }
}
