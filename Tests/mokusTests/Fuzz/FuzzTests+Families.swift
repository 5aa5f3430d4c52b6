import Foundation
import ModelIO
import Statistics
import TestSupport
import TextEncoders

/// The input families of the world folder, statistics files and training commands.
extension FuzzTests {
    /// The bundled world folder (encoder, generator, evaluator, world.json).
    static let world = repository.appending(path: "Sources/World/Resources/world")

    /// A statistics file of the Qwen2 fixture's `model.layers.0.mlp.down_proj` (made once per run).
    static let statisticsFile: Result<Data, any Error> = Result {
        let encoder = try TextEncoderLoader.load(directory: fixtures.appending(path: "qwen2"))
        let corpus = TextCorpus(url: repository.appending(path: "Tests/TokenizersTests/Fixtures/qwen_corpus.jsonl"), jsonField: "text")
        let statistics = try LayerStatistics.compute(
            encoder: encoder, module: "model.layers.0.mlp.down_proj", corpus: corpus, budget: StatisticsBudget(maxDocuments: 8))
        let scratch = try TemporaryDirectory(label: "mokus-fuzz-statistics")
        try statistics.write(to: scratch.file("s.safetensors"))
        return try Data(contentsOf: scratch.file("s.safetensors"))
    }

    /// `world/` holding the bundled world's files as links, except `mutated`, a JSON file written
    /// mutated; the command reads that file.
    func prepareWorldFolder(in work: URL, mutator: inout Mutator) throws -> [String] {
        let mutated = mutator.pick(["world.json", "model_index.json", "scheduler/scheduler_config.json",
                                    "transformer/config.json", "text_encoder/config.json"])
        let folder = work.appending(path: "world")
        try linkTree(Self.world, into: folder, except: mutated)
        let original = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.world.appending(path: mutated)))
        try Self.json(mutator.mutateJSON(original)).write(to: folder.appending(path: mutated))
        switch mutated {
        case "world.json": return ["world", "requests", "--world", "world", "--out", "r.json", "--count", "3"]
        case "text_encoder/config.json": return ["encode", "--model", "world/text_encoder", "--text", "a red circle"]
        default:
            return ["generate", "--generator", "world", "--encoder", "world/text_encoder", "--prompt", "a red circle",
                    "--steps", "1", "--quiet", "--out", "out.png"]
        }
    }

    /// A mutated statistics file read by `mokus edit --stats`, or a mutated EasyEdit `.npz` read
    /// by `mokus stats import-npz`.
    func prepareStatistics(in work: URL, mutator: inout Mutator) throws -> [String] {
        let qwen2 = Self.fixtures.appending(path: "qwen2").path(percentEncoded: false)
        if mutator.int(below: 2) == 0 {
            let npz = Self.repository.appending(path: "Tests/StatisticsTests/Fixtures/npz/mom2_f32.npz")
            try Data(mutator.mutateBytes([UInt8](try Data(contentsOf: npz)))).write(to: work.appending(path: "m.npz"))
            return ["stats", "import-npz", "--model", qwen2, "--module", "model.layers.0.mlp.down_proj", "--npz", "m.npz",
                    "--out", "s.safetensors"]
        }
        try Self.mutateHeader(of: try Self.statisticsFile.get(), mutator: &mutator)
            .write(to: work.appending(path: "stats.safetensors"))
        try JSONSerialization.data(withJSONObject: [Self.requests]).write(to: work.appending(path: "r0.json"))
        return ["edit", "--hparams", Self.repository.appending(path: "hparams/MEMIT/tiny-qwen2.yaml").path(percentEncoded: false),
                "--requests", "r0.json", "--model", qwen2, "--stats", "stats.safetensors", "--quiet",
                "--save-edits", "edits.safetensors"]
    }

    /// `mokus pretrain` with a mutated config, texts or numbers (the tiny Qwen2 tokenizer).
    func preparePretrain(in work: URL, mutator: inout Mutator) throws -> [String] {
        let fixture = Self.fixtures.appending(path: "qwen2")
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: fixture.appending(path: "config.json")))
        var texts = [UInt8]("The red apple is on the table\nThe sky is blue\n".utf8)
        var steps = "1", batch = "2"
        switch mutator.int(below: 3) {
        case 0: config = mutator.mutateJSON(config)
        case 1: texts = mutator.mutateBytes(texts)
        default: (steps, batch) = (mutator.pick(["0", "-1", "1e12", "x", "1"]), mutator.pick(["0", "-3", "1e9", "2"]))
        }
        try Self.json(config).write(to: work.appending(path: "c.json"))
        try Data(texts).write(to: work.appending(path: "t.txt"))
        return ["pretrain", "--config", "c.json", "--tokenizer", fixture.path(percentEncoded: false), "--texts", "t.txt",
                "--out", "out", "--steps", steps, "--batch-size", batch, "--log-every", "1"]
    }

    /// `mokus world train encoder` (test recipe, one step) on a mutated world.json, or with
    /// mutated numbers.
    func prepareWorldTrain(in work: URL, mutator: inout Mutator) throws -> [String] {
        let folder = work.appending(path: "w")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let original = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.world.appending(path: "world.json")))
        var steps = "1", seed = "0"
        if mutator.int(below: 2) == 0 {
            try Self.json(mutator.mutateJSON(original)).write(to: folder.appending(path: "world.json"))
        } else {
            try Self.json(original).write(to: folder.appending(path: "world.json"))
            (steps, seed) = (mutator.pick(["0", "-1", "1e12", "x", "1"]), mutator.pick(["-1", "18446744073709551616", "x", "7"]))
        }
        return ["world", "train", "encoder", "--out", "w", "--world", "w", "--test-recipe", "--steps", steps, "--seed", seed]
    }

    /// `destination` mirroring `source`'s tree with links to its files, except `skipped`.
    func linkTree(_ source: URL, into destination: URL, except skipped: String) throws {
        let files = FileManager.default.enumerator(atPath: source.path(percentEncoded: false))?.allObjects as? [String] ?? []
        for relative in files {
            let from = source.appending(path: relative), to = destination.appending(path: relative)
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: from.path(percentEncoded: false), isDirectory: &isFolder)
            if isFolder.boolValue {
                try FileManager.default.createDirectory(at: to, withIntermediateDirectories: true)
            } else if relative != skipped {
                try FileManager.default.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
                try FileManager.default.createSymbolicLink(at: to, withDestinationURL: from)
            }
        }
    }
}
