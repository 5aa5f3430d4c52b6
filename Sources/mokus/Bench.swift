import ArgumentParser
import Foundation
import MoKus

extension Mokus {
    /// `mokus bench …`: benchmarks of the applications (docs/benchmark-knowcus.md). Subcommands
    /// live in `BenchKnowCus.swift` and `BenchMerge.swift`.
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Application benchmarks: KnowCus (MoKus against Naive-DB and Enc-FT), sharded and merged.",
            subcommands: [KnowCus.self, Merge.self])
    }
}

extension Mokus.Bench {
    /// `mokus bench merge DIR`: joins the shard files of a run folder into its report.
    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Join the shard-<i>-of-<n>.json files of a run folder into results.json, timings.json and report.md.",
            discussion: "Every shard 0..n-1 of one run must be present once; the files written equal an unsharded run's.")

        @Argument(help: ArgumentHelp("The run folder the shards wrote into (--out of mokus bench knowcus --shard).",
                                     valueName: "dir"), completion: .directory)
        var folder: String

        func run() throws {
            let url = URL(fileURLWithPath: folder, isDirectory: true)
            let results = try KnowCusOutput.writeRun(try KnowCusOutput.readShards(in: url), into: url)
            print("\(folder): \(results.records.count) records merged into results.json and report.md")
        }
    }
}
