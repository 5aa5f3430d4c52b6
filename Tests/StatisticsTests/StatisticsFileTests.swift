import Foundation
import ModelIO
import Statistics
import Tensors
import Testing
import TestSupport

@Suite("Statistics files: format, loading checks, merging shards")
struct StatisticsFileTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    /// Statistics with a recognisable d×d sum: element k is k/4 + `offset` (exact in binary).
    static func statistics(
        shard: StatisticsShard? = nil, fingerprint: String = "f00d", module: String = "model.layers.4.mlp.down_proj",
        dimension: Int = 3, count: Int = 8, offset: Double = 0
    ) throws -> LayerStatistics {
        let sum = (0..<(dimension * dimension)).map { Double($0) / 4 + offset }
        return LayerStatistics(
            moment: try SecondMoment(dimension: dimension, sum: sum, count: count),
            provenance: StatisticsProvenance(
                modelFingerprint: fingerprint, module: module, corpusSHA256: "c0ffee", corpusFormat: "jsonl:text",
                budget: StatisticsBudget(maxTokens: 500, maxLength: 64), documentCount: 4, shard: shard))
    }

    func write(_ statistics: LayerStatistics, _ name: String, dtype: LayerStatistics.SumType = .float64) throws -> URL {
        let url = directory.file(name)
        try statistics.write(to: url, dtype: dtype)
        return url
    }

    @Test("a file round-trips; its metadata holds the documented keys")
    func roundTrip() throws {
        let original = try Self.statistics(shard: try StatisticsShard(index: 1, count: 4))
        let url = try write(original, "stats.safetensors")
        let read = try LayerStatistics.read(from: url)
        #expect(read.moment == original.moment)
        #expect(read.provenance == original.provenance)
        let file = try SafetensorsFile(url: url)
        #expect(file.names == ["sum"])
        #expect(try file.info(named: "sum").dtype == .float64)
        #expect(file.metadata == [
            "format": "mokus-mom2/1", "model_fingerprint": "f00d", "module": "model.layers.4.mlp.down_proj",
            "corpus_sha256": "c0ffee", "corpus_format": "jsonl:text", "token_count": "8", "document_count": "4",
            "shard": "1/4", "max_tokens": "500", "max_documents": "none", "max_length": "64", "dtype": "F64",
        ])
        let float32 = try LayerStatistics.read(from: try write(original, "f32.safetensors", dtype: .float32))
        #expect(float32.moment.sum == original.moment.sum.map { Double(Float($0)) })
    }

    @Test("load returns C = sum/count after checking model, module, d, shard and count")
    func loadChecks() throws {
        let url = try write(try Self.statistics(), "complete.safetensors")
        let path = url.path(percentEncoded: false)
        let module = "model.layers.4.mlp.down_proj"
        let moment = try LayerStatistics.load(
            url: url, expectedFingerprint: "f00d", module: module, expectedDimension: 3)
        #expect(moment.mean.scalars == (0..<9).map { Float($0) / 32 })
        #expect(throws: StatisticsError.fingerprintMismatch(file: path, expected: "beef", found: "f00d")) {
            try LayerStatistics.load(url: url, expectedFingerprint: "beef", module: module)
        }
        let other = "model.layers.5.mlp.down_proj"
        #expect(throws: StatisticsError.moduleMismatch(file: path, expected: other, found: module)) {
            try LayerStatistics.load(url: url, expectedFingerprint: "f00d", module: other)
        }
        #expect(throws: StatisticsError.dimensionMismatch(file: path, expected: 4, found: 3)) {
            try LayerStatistics.load(url: url, expectedFingerprint: "f00d", module: module, expectedDimension: 4)
        }
        let partial = try write(try Self.statistics(shard: try StatisticsShard(index: 0, count: 2)), "part.safetensors")
        #expect(throws: StatisticsError.partialStatistics(file: partial.path(percentEncoded: false), shard: "0/2")) {
            try LayerStatistics.load(url: partial, expectedFingerprint: "f00d", module: module)
        }
        let empty = try write(try Self.statistics(count: 0), "empty.safetensors")
        #expect(throws: StatisticsError.emptyStatistics(file: empty.path(percentEncoded: false))) {
            try LayerStatistics.load(url: empty, expectedFingerprint: "f00d", module: module)
        }
    }

    @Test("files that are not statistics files are rejected with the reason", arguments: [
        (["format": "pt"], [("sum", [3, 3])], "metadata \"format\" is \"pt\", expected \"mokus-mom2/1\""),
        (["format": nil], [("sum", [3, 3])], "metadata has no \"format\""),
        (["token_count": "-1"], [("sum", [3, 3])], "metadata \"token_count\" is \"-1\", expected a count ≥ 0"),
        (["shard": "2/2"], [("sum", [3, 3])], "metadata \"shard\" is \"2/2\", expected \"i/n\" or \"all\""),
        (["max_length": "unknown"], [("sum", [3, 3])],
         "metadata \"max_length\" is \"unknown\", expected a number, with max_tokens and max_documents known "
            + "(or all three unknown)"),
        ([:], [("sum", [3, 2])], "tensor \"sum\" has shape [3, 2], expected [d, d]"),
        ([:], [("sum", [3, 3]), ("extra", [1])], "expected exactly one tensor \"sum\", found [\"extra\", \"sum\"]"),
    ] as [([String: String?], [(String, [Int])], String)])
    func notStatistics(metadataChanges: [String: String?], tensors: [(String, [Int])], reason: String) throws {
        var metadata = try SafetensorsFile(url: try write(try Self.statistics(), "good.safetensors")).metadata
        for (key, value) in metadataChanges { metadata[key] = value }
        let url = directory.file("bad.safetensors")
        try SafetensorsWriter.write(tensors.map { ($0.0, Tensor.zeros($0.1)) }, to: url, metadata: metadata)
        #expect(throws: StatisticsError.notAStatisticsFile(file: url.path(percentEncoded: false), reason: reason)) {
            try LayerStatistics.read(from: url)
        }
    }

    @Test("a sum stored as an integer type is rejected")
    func integerSum() throws {
        let metadata = try SafetensorsFile(url: try write(try Self.statistics(), "good.safetensors")).metadata
        let url = directory.file("int.safetensors")
        let entry = try SafetensorsEntry("sum", dtype: .int64, shape: [3, 3], bytes: Data(count: 72))
        try SafetensorsWriter.write([entry], to: url, metadata: metadata)
        let reason = "tensor \"sum\" is stored as I64, expected F64 or F32"
        #expect(throws: StatisticsError.notAStatisticsFile(file: url.path(percentEncoded: false), reason: reason)) {
            try LayerStatistics.read(from: url)
        }
    }

    @Test("merge adds the shards' sums and counts, in any order")
    func merge() throws {
        let urls = try [2, 0, 1].map { index in
            try write(try Self.statistics(shard: try StatisticsShard(index: index, count: 3), count: index + 1,
                                          offset: Double(index)), "part-\(index).safetensors")
        }
        let merged = try LayerStatistics.merge(urls)
        #expect(merged.moment.count == 6)
        let expected: [Double] = (0..<9).map { Double($0) * 3 / 4 + 3 }  // three parts, offsets 0 + 1 + 2
        #expect(merged.moment.sum == expected)
        #expect(merged.provenance.shard == nil)
        #expect(merged.provenance.documentCount == 12)
    }

    @Test("merge refuses mismatched, missing, duplicated or complete inputs")
    func mergeErrors() throws {
        let shard = { (index: Int) in try StatisticsShard(index: index, count: 3) }
        let parts = try (0..<3).map { try write(try Self.statistics(shard: try shard($0)), "part-\($0).safetensors") }
        let paths = parts.map { $0.path(percentEncoded: false) }
        let foreign = try write(try Self.statistics(shard: try shard(2), fingerprint: "beef"), "foreign.safetensors")
        #expect(throws: StatisticsError.partialsDisagree(
            key: "model_fingerprint", file: foreign.path(percentEncoded: false), value: "beef", otherFile: paths[0],
            otherValue: "f00d")) { try LayerStatistics.merge([parts[0], parts[1], foreign]) }
        let wider = try write(try Self.statistics(shard: try shard(2), dimension: 4), "wider.safetensors")
        #expect(throws: StatisticsError.partialsDisagree(
            key: "d", file: wider.path(percentEncoded: false), value: "4", otherFile: paths[0], otherValue: "3")) {
            try LayerStatistics.merge([parts[0], parts[1], wider])
        }
        let ofFour = try write(
            try Self.statistics(shard: try StatisticsShard(index: 2, count: 4)), "of-four.safetensors")
        #expect(throws: StatisticsError.partialsDisagree(
            key: "shard count", file: ofFour.path(percentEncoded: false), value: "4", otherFile: paths[0],
            otherValue: "3")) {
            try LayerStatistics.merge([parts[0], parts[1], ofFour])
        }
        #expect(throws: StatisticsError.missingShards(missing: [1], count: 3)) {
            try LayerStatistics.merge([parts[0], parts[2]])
        }
        #expect(throws: StatisticsError.duplicateShard(shard: "1/3", files: [paths[1], paths[1]])) {
            try LayerStatistics.merge([parts[0], parts[1], parts[1], parts[2]])
        }
        let complete = try write(try Self.statistics(), "complete.safetensors")
        #expect(throws: StatisticsError.notAPartial(file: complete.path(percentEncoded: false))) {
            try LayerStatistics.merge([parts[0], complete])
        }
        #expect(throws: StatisticsError.nothingToMerge) { try LayerStatistics.merge([]) }
    }

    @Test("shards parse as i/n with 0 ≤ i < n", arguments: ["0/1", "2/3", "3/3", "-1/2", "1/0", "a/b", "1", "1/2/3"])
    func shardParsing(text: String) throws {
        if ["0/1", "2/3"].contains(text) {
            #expect(try StatisticsShard(parsing: text).description == text)
        } else {
            #expect(throws: StatisticsError.self) { try StatisticsShard(parsing: text) }
        }
    }
}
