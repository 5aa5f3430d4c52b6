import Foundation
import MoKus
@testable import mokus
import TestSupport
import Testing

/// `mokus bench knowcus` and `mokus bench merge` on the bundled world, reduced to seconds.
@Suite("mokus bench knowcus and merge")
struct BenchCommandTests {
    /// One concept, two statements (3 units: with 4 shards one is empty), 2 images, 2 seeds, 2 LoRA steps,
    /// 1 Enc-FT step, 2 unguided denoising steps, UltraEdit.
    static let reduced = [
        "--quick", "--images", "2", "--statements", "2", "--seeds", "2", "--steps", "2", "--encoder-steps", "1",
        "--sampling-steps", "2", "--guidance", "1", "--hparams", CustomizeCommandTests.hparams, "--quiet",
    ]

    static func knowcus(_ out: URL, _ extra: [String] = []) throws {
        try Mokus.Bench.KnowCus.parse(["--out", CustomizeCommandTests.path(out)] + reduced + extra).run()
    }

    @Test("4 shards merged write results.json and the grid byte for byte as the unsharded run, η ablation included; a shard reruns alone")
    func shardsMergeToTheUnshardedRun() throws {
        let folder = try TemporaryDirectory(label: "bench")
        let whole = folder.file("whole")
        let eta = ["--eta", "1e-4,1e-2"]
        try Self.knowcus(whole, eta)
        #expect(try folder.contents().contains("whole"))
        let files = try FileManager.default.contentsOfDirectory(atPath: CustomizeCommandTests.path(whole)).sorted()
        #expect(files == ["eta.svg", "grid-c0.png", "images", "report.md", "results.json", "time-per-item.svg", "timings.json"])

        let sharded = folder.file("sharded")
        for i in 0..<4 { try Self.knowcus(sharded, eta + ["--shard", "\(i)/4"]) }
        let shard1 = try Data(contentsOf: sharded.appending(path: "shard-1-of-4.json"))
        try Self.knowcus(sharded, eta + ["--shard", "1/4"])
        #expect(try KnowCusOutput.readShards(in: sharded).count == 4)
        try Mokus.Bench.Merge.parse([CustomizeCommandTests.path(sharded)]).run()

        let expected = try Data(contentsOf: whole.appending(path: "results.json"))
        #expect(try Data(contentsOf: sharded.appending(path: "results.json")) == expected)
        #expect(try Data(contentsOf: sharded.appending(path: "grid-c0.png")) == Data(contentsOf: whole.appending(path: "grid-c0.png")))
        // 1 anchor × 5 prompts + 2 statements × 5 methods (UltraEdit, two η rows, Naive-DB, Enc-FT) × 5 prompts.
        let json = try #require(try JSONSerialization.jsonObject(with: expected) as? [String: Any])
        #expect((json["records"] as? [Any])?.count == 55)
        let points = try #require(json["eta"] as? [[String: Any]])
        #expect(points.map { $0["eta"] as? Double } == [1e-4, 1e-2])
        #expect(points.allSatisfy { $0["generation_similarity"] != nil })
        let svg = try String(contentsOf: whole.appending(path: "eta.svg"), encoding: .utf8)
        #expect(svg.contains("log10 η") && svg.contains("generation image sim."))
        // A rerun shard differs at most in its timings.
        let rerun = try JSONSerialization.jsonObject(with: Data(contentsOf: sharded.appending(path: "shard-1-of-4.json"))) as? [String: Any]
        let first = try JSONSerialization.jsonObject(with: shard1) as? [String: Any]
        #expect((rerun?["records"] as? NSArray) == (first?["records"] as? NSArray))
    }

    @Test("merge refuses a folder with a shard missing and writes nothing")
    func mergeRefusesMissingShards() throws {
        let folder = try TemporaryDirectory(label: "bench-missing")
        let run = folder.file("run")
        try Self.knowcus(run, ["--shard", "2/4"])
        #expect(throws: MoKusError.self) { try Mokus.Bench.Merge.parse([CustomizeCommandTests.path(run)]).run() }
        #expect(try FileManager.default.contentsOfDirectory(atPath: CustomizeCommandTests.path(run)).sorted() == ["images", "shard-2-of-4.json"])
    }

    @Test("bad options are refused before anything runs", arguments: [["--shard", "4/4"], ["--statements", "7"], ["--seeds", "0"]])
    func refusesBadOptions(options: [String]) {
        #expect(throws: (any Error).self) { try Mokus.Bench.KnowCus.parse(["--out", "/tmp/never"] + options) }
    }
}
