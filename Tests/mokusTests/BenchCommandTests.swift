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

    @Test("4 shards merged write results.json byte for byte as the unsharded run; a shard reruns alone")
    func shardsMergeToTheUnshardedRun() throws {
        let folder = try TemporaryDirectory(label: "bench")
        let whole = folder.file("whole")
        try Self.knowcus(whole)
        #expect(try folder.contents().contains("whole"))
        let files = try FileManager.default.contentsOfDirectory(atPath: CustomizeCommandTests.path(whole)).sorted()
        #expect(files == ["report.md", "results.json", "time-per-item.svg", "timings.json"])

        let sharded = folder.file("sharded")
        for i in 0..<4 { try Self.knowcus(sharded, ["--shard", "\(i)/4"]) }
        let shard1 = try Data(contentsOf: sharded.appending(path: "shard-1-of-4.json"))
        try Self.knowcus(sharded, ["--shard", "1/4"])
        #expect(try KnowCusOutput.readShards(in: sharded).count == 4)
        try Mokus.Bench.Merge.parse([CustomizeCommandTests.path(sharded)]).run()

        let expected = try Data(contentsOf: whole.appending(path: "results.json"))
        #expect(try Data(contentsOf: sharded.appending(path: "results.json")) == expected)
        // 1 anchor × 5 prompts + 2 statements × 3 methods × 5 prompts.
        let json = try #require(try JSONSerialization.jsonObject(with: expected) as? [String: Any])
        #expect((json["records"] as? [Any])?.count == 35)
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
        #expect(try FileManager.default.contentsOfDirectory(atPath: CustomizeCommandTests.path(run)) == ["shard-2-of-4.json"])
    }

    @Test("bad options are refused before anything runs", arguments: [["--shard", "4/4"], ["--statements", "7"], ["--seeds", "0"]])
    func refusesBadOptions(options: [String]) {
        #expect(throws: (any Error).self) { try Mokus.Bench.KnowCus.parse(["--out", "/tmp/never"] + options) }
    }
}
