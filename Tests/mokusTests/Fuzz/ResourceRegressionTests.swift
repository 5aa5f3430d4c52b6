import Foundation
import TestSupport
import Testing

/// Issue 17's unbounded allocations and silent NaNs, reproduced through `mokus` as a child
/// process (``ChildRun``): each must now fail with a one-line error, under 100 MB resident.
@Suite("runs that allocated without bound, or printed NaN, fail early")
struct ResourceRegressionTests {
    static let fixture = FuzzTests.fixtures.appending(path: "qwen2").path(percentEncoded: false)

    /// Runs `mokus arguments` in a scratch folder (`input`, when given, is the file `../input.txt`)
    /// and returns its first stderr line, after checking it failed cleanly and small.
    func failure(_ arguments: [String], input: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let scratch = try TemporaryDirectory(label: "mokus-regression")
        let root = scratch.file("work")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try input?.write(to: scratch.file("input.txt"), atomically: false, encoding: .utf8)
        let run = try ChildRun.mokus(arguments, in: root, temporary: root)
        #expect(run.signal == nil && run.exitCode == 1, "\(run.standardError)", sourceLocation: sourceLocation)
        #expect(run.peakResident < FuzzTests.failureResidentLimit, "\(run.peakResident >> 20) MB", sourceLocation: sourceLocation)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path(percentEncoded: false)).isEmpty,
                sourceLocation: sourceLocation)
        return run.standardError.split(separator: "\n").first.map(String.init) ?? ""
    }

    @Test("a 4096×4096 image on the small pipeline is refused with its estimate (it asked for 825 GB)")
    func largeImage() throws {
        let message = try failure(["generate", "--prompt", "a red circle", "--size", "4096x4096", "--quiet", "--out", "x.png"])
        #expect(message.contains("needs about") && message.contains("memory budget"))
    }

    @Test("a text longer than the context is refused before the pass (54 k tokens allocated 57 GB)")
    func longText() throws {
        let message = try failure(["encode", "--model", Self.fixture, "--text-file", "../input.txt"],
                                  input: String(repeating: "The red apple. ", count: 12_000))
        #expect(message.contains("longer than the model's context of 32768 tokens"))
    }

    @Test("an edit whose working set (weights, C, the solve) is over the budget is refused before any pass",
          arguments: ["ROME", "MEMIT", "AlphaEdit", "UltraEdit"])
    func editWorkingSet(_ method: String) throws {
        let hparams = FuzzTests.repository.appending(path: "hparams/\(method)/tiny-qwen2.yaml").path(percentEncoded: false)
        let message = try failure(["edit", "--hparams", hparams, "--requests", "../input.txt", "--model", Self.fixture,
                                   "--quiet", "--max-memory", "40K"],
                                  input: #"[{"prompt": "The red apple is on the", "subject": "The red apple", "target_new": "table"}]"#)
        #expect(message.contains("working set at model.layers.0.") && message.contains("more than the 40.0 KiB memory budget"),
                "\(message)")
    }

    @Test("layer statistics over the budget are refused before reading the corpus (d² Float64 sums)")
    func statisticsBudget() throws {
        let corpus = FuzzTests.repository.appending(path: "Tests/TokenizersTests/Fixtures/qwen_corpus.jsonl").path(percentEncoded: false)
        let message = try failure(["stats", "compute", "--model", Self.fixture, "--module", "model.layers.0.mlp.down_proj",
                                   "--corpus", corpus, "--out", "s.safetensors", "--quiet", "--max-memory", "1M"])
        #expect(message.contains("computing layer statistics of model.layers.0.mlp.down_proj (d = 128) needs about 2.2 MiB"))
    }

    @Test("pretraining a config of 61 G parameters is refused before any weight is written (it wrote the checkpoint)")
    func pretrainHugeModel() throws {
        var config = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: FuzzTests.fixtures.appending(path: "qwen2/config.json"))) as? [String: Any])
        for (key, value) in ["hidden_size": 8192, "intermediate_size": 32768, "num_hidden_layers": 64, "num_attention_heads": 64,
                             "num_key_value_heads": 8] { config[key] = value }
        let message = try failure(["pretrain", "--config", "../input.txt", "--tokenizer", Self.fixture, "--texts", "../input.txt",
                                   "--out", "out", "--steps", "1"],
                                  input: String(decoding: try JSONSerialization.data(withJSONObject: config), as: UTF8.self))
        #expect(message.contains("training 61213442048 parameters needs about 1.1 TiB"), "\(message)")
    }

    @Test("pretraining killed mid-run leaves nothing in TMPDIR (the initial weights' mokus-pretrain-* folder stayed)")
    func pretrainKilled() throws {
        let scratch = try TemporaryDirectory(label: "mokus-regression")
        let (root, temporary) = (scratch.file("work"), scratch.file("tmp"))
        for folder in [root, temporary] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        try String(repeating: "The red apple is on the table\n", count: 8).write(
            to: root.appending(path: "t.txt"), atomically: false, encoding: .utf8)
        // One CPU second is spent long before 10 000 steps end: SIGXCPU stops it mid-training,
        // a kill no handler sees, like SIGKILL.
        let run = try ChildRun.mokus(
            ["pretrain", "--config", "\(Self.fixture)/config.json", "--tokenizer", Self.fixture, "--texts", "t.txt",
             "--out", "out", "--steps", "10000", "--batch-size", "2", "--log-every", "1"],
            in: root, temporary: temporary, cpuSeconds: 2)
        #expect(run.signal != nil && run.standardError.contains("step 1/"), "\(run.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path(percentEncoded: false)).isEmpty)
    }

    @Test("world training over --max-memory is refused with the estimate (AdamW moments, gradients, copies)")
    func worldTrainingBudget() throws {
        let message = try failure(["world", "train", "encoder", "--out", "../world", "--test-recipe", "--max-memory", "1K"])
        #expect(message.contains("training 28320 parameters needs about 553.1 KiB"), "\(message)")
    }

    @Test("--max-memory lowers the budget")
    func budget() throws {
        let message = try failure(["encode", "--model", Self.fixture, "--text", "The red apple", "--max-memory", "16K"])
        #expect(message.contains("more than the 16.0 KiB memory budget"))
    }
}
