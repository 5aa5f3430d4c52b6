import EditingTestSupport
import Foundation
import KnowledgeEditing
import ModelInterfaces
import ModelIO
import TestSupport
@testable import mokus
import Statistics
import Testing
import TextEncoders
import Tokenizers

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

    @Test("mokus --version prints the version")
    func version() {
        do {
            _ = try Mokus.parseAsRoot(["--version"])
            Issue.record("--version should exit after printing")
        } catch {
            #expect(Mokus.exitCode(for: error) == .success)
            #expect(Mokus.fullMessage(for: error) == Mokus.configuration.version && !Mokus.configuration.version.isEmpty)
        }
    }

    @Test("argument validation: exactly one text source, positive --top")
    func validation() {
        #expect(throws: (any Error).self) { try Mokus.Encode.parse(["--model", "m"]) }
        #expect(throws: (any Error).self) { try Mokus.Encode.parse(["--model", "m", "--text", "a", "--text-file", "f"]) }
        #expect(throws: (any Error).self) { try Mokus.Encode.parse(["--model", "m", "--text", "a", "--top", "0"]) }
        #expect((try? Mokus.Info.parse(["--model", "m", "--json"]))?.output.json == true)
    }

    @Test("without --model, commands load the bundled world's text encoder (the embedded default)")
    func embeddedModel() throws {
        let options = try Mokus.Info.parse([]).model
        #expect(options.model == nil)
        #expect(try options.directory() == EmbeddedModels.textEncoder())
        let encoder = try loadEncoder(options)
        #expect(encoder.info.layerCount == 4 && encoder.info.hiddenSize == 256)
    }

    @Test("commands fail with typed errors on bad input, not crashes")
    func badInput() throws {
        let directory = try TemporaryDirectory(label: "mokus-cli")
        let file = directory.file("texts.txt")
        try Data([0x61, 0x0A, 0xFF, 0xFE, 0x0A]).write(to: file)
        var command = try Mokus.Encode.parse(["--model", model("gpt2"), "--text-file", file.path(percentEncoded: false)])
        #expect(throws: TokenizerError.invalidUTF8(file: file.path, line: 2, byteOffset: 0)) { try command.run() }
        command = try Mokus.Encode.parse(["--model", directory.url.path(percentEncoded: false), "--text", "hi"])
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
        let directory = try TemporaryDirectory(label: "mokus-edit")
        let requests = try TinyEditingFixture.writeRequests(1, to: directory.file("requests.json"))
        let edits = directory.file("edits.safetensors"), model = directory.file("model")
        let fixture = Self.repository.appending(path: "Tests/TextEncodersTests/Fixtures/qwen2").path(percentEncoded: false)
        let command = try Mokus.Edit.parse([
            "--hparams", Self.repository.appending(path: "hparams/ROME/tiny-qwen2.yaml").path(percentEncoded: false),
            "--requests", requests.path(percentEncoded: false), "--model", fixture, "--sequential", "--quiet",
            "--save-edits", edits.path(percentEncoded: false), "--save-model", model.path(percentEncoded: false)])
        try command.run()
        let saved = try TextEncoderLoader.load(directory: model)
        let base = try TextEncoderLoader.load(directory: URL(fileURLWithPath: fixture))
        let replay = EditSession(encoder: base)
        for record in try EditFile.load(edits, expectedFingerprint: base.fingerprint) { try replay.apply(record) }
        let batch = TokenBatch([try base.tokenize("The red apple is on the")])
        #expect(try saved.forward(batch).logits.scalars == (try base.forward(batch).logits.scalars))
        let applied = directory.file("applied")
        try Mokus.Apply.parse(["--model", fixture, "--edits", edits.path(percentEncoded: false),
                               "--save-model", applied.path(percentEncoded: false)]).run()
        #expect(try TextEncoderLoader.load(directory: applied).forward(batch).logits.scalars == (try saved.forward(batch).logits.scalars))
    }

    @Test("restore mode saves each batch's edits to its own file, and the model of a single batch")
    func restoreModeSaves() throws {
        let directory = try TemporaryDirectory(label: "mokus-edit")
        let requests = try TinyEditingFixture.writeRequests(2, to: directory.file("requests.json"))
        let fixture = Self.repository.appending(path: "Tests/TextEncodersTests/Fixtures/qwen2").path(percentEncoded: false)
        func run(_ extra: [String]) throws {
            try Mokus.Edit.parse([
                "--hparams", Self.repository.appending(path: "hparams/ROME/tiny-qwen2.yaml").path(percentEncoded: false),
                "--requests", requests.path(percentEncoded: false), "--model", fixture, "--quiet"] + extra).run()
        }
        try run(["--save-edits", directory.file("edits.safetensors").path(percentEncoded: false)])
        let base = try TextEncoderLoader.load(directory: URL(fileURLWithPath: fixture))
        for number in 1...2 {
            let file = directory.file("edits-\(number).safetensors")
            #expect(try EditFile.load(file, expectedFingerprint: base.fingerprint).count == 1)
        }
        #expect(throws: (any Error).self) { try run(["--save-model", directory.file("m").path(percentEncoded: false)]) }

        let intermediates = directory.file("intermediates.safetensors")
        try run(["--save-intermediates", intermediates.path(percentEncoded: false)])
        let file = try SafetensorsFile(url: intermediates)
        let module = "model.layers.0.mlp.down_proj"
        #expect(file.names.sorted() == ["batch1.\(module).u", "batch1.\(module).v_star", "batch2.\(module).u",
                                        "batch2.\(module).v_star"])
        #expect(file.metadata["algorithm"] == "ROME" && file.metadata["batches"] == "2")
        #expect(try file.tensor(named: "batch1.\(module).u").shape == [128])
        #expect(try file.tensor(named: "batch2.\(module).v_star").shape == [64])
    }

    @Test("an EasyEdit user's files as they are: device cpu, edit()'s column-wise arguments, mom2_dataset as the corpus")
    func easyEditUserFiles() throws {
        let directory = try TemporaryDirectory(label: "mokus-edit")
        let fixture = Self.repository.appending(path: "Tests/MEMITTests/Fixtures/qwen2-facts")
        var hparams = try String(contentsOf: Self.repository.appending(path: "hparams/MEMIT/tiny-qwen2-facts.yaml"), encoding: .utf8)
        for (key, value) in [("model_name", fixture.path(percentEncoded: false)), ("device", "cpu"),
                             ("mom2_dataset", fixture.appending(path: "corpus.txt").path(percentEncoded: false)),
                             ("stats_dir", directory.file("stats").path(percentEncoded: false))] {
            hparams = hparams.split(separator: "\n").map { $0.hasPrefix("\(key):") ? "\(key): \"\(value)\"" : String($0) }
                .joined(separator: "\n")
        }
        let hparamsURL = directory.file("memit.yaml"), requests = directory.file("requests.json")
        try Data(hparams.utf8).write(to: hparamsURL)
        let columns = #"{"prompts": ["Rawen Hinbel lives in"], "subject": ["Rawen Hinbel"], "target_new": ["Tokyo"], "#
            + #""ground_truth": ["Madrid"], "sequential_edit": false}"#
        try Data(columns.utf8).write(to: requests)
        try Mokus.Edit.parse(["--hparams", hparamsURL.path(percentEncoded: false), "--requests",
                              requests.path(percentEncoded: false), "--quiet"]).run()
        let cached = FileManager.default.enumerator(atPath: directory.file("stats").path(percentEncoded: false))?
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".safetensors") } ?? []
        #expect(cached.count == 2)   // C of both edited layers, computed from mom2_dataset
    }
}

@Suite("mokus stats")
struct StatsCommandTests {
    @Test("sharded compute + merge equals one pass; statistics of another model are refused by edit")
    func shardsAndMerge() throws {
        let root = EditCommandTests.repository
        let directory = try TemporaryDirectory(label: "mokus-stats")
        let model = root.appending(path: "Tests/TextEncodersTests/Fixtures/qwen2").path(percentEncoded: false)
        let corpus = root.appending(path: "Tests/TokenizersTests/Fixtures/qwen_corpus.jsonl").path(percentEncoded: false)
        func path(_ name: String) -> String { directory.file(name).path(percentEncoded: false) }
        let common = ["--model", model, "--module", "model.layers.0.mlp.down_proj", "--corpus", corpus, "--max-documents", "60", "--quiet"]
        try Mokus.Stats.Compute.parse(common + ["--out", path("all.safetensors")]).run()
        for i in 0..<2 { try Mokus.Stats.Compute.parse(common + ["--shard", "\(i)/2", "--out", path("p\(i).safetensors")]).run() }
        try Mokus.Stats.Merge.parse(["--out", path("merged.safetensors"), path("p0.safetensors"), path("p1.safetensors")]).run()
        let whole = try LayerStatistics.read(from: directory.file("all.safetensors")).moment
        let merged = try LayerStatistics.read(from: directory.file("merged.safetensors")).moment
        #expect(whole.count == merged.count)
        let error = zip(whole.sum, merged.sum).map { abs($0 - $1) }.max()!, scale = whole.sum.map(abs).max()!
        #expect(error <= 1e-6 * scale)

        let requests = try TinyEditingFixture.writeRequests(1, to: directory.file("requests.json"))
        let edit = try Mokus.Edit.parse([
            "--hparams", root.appending(path: "hparams/MEMIT/tiny-qwen2.yaml").path(percentEncoded: false),
            "--model", root.appending(path: "Tests/TextEncodersTests/Fixtures/qwen2-bf16").path(percentEncoded: false),
            "--requests", requests.path(percentEncoded: false), "--stats", path("all.safetensors"), "--quiet"])
        #expect(throws: StatisticsError.self) { try edit.run() }
    }
}
