import Foundation
import ModelInterfaces
import ModelIO
import Statistics
import Testing
import TestSupport
import TextEncoders

@Suite("Statistics cache: keyed by model, module, corpus and budget")
struct StatisticsCacheTests {
    let directory: TemporaryDirectory
    let cache: StatisticsCache

    init() throws {
        directory = try TemporaryDirectory()
        cache = StatisticsCache(directory: directory.file("cache"))
    }

    @Test("stored statistics are found under their key only")
    func keyedLookup() throws {
        let statistics = try StatisticsFileTests.statistics()
        let url = try cache.store(statistics)
        #expect(url.deletingLastPathComponent().lastPathComponent == "f00d")
        #expect(url.lastPathComponent.hasPrefix("model.layers.4.mlp.down_proj-"))
        #expect(try cache.statistics(for: statistics.provenance.key)?.moment == statistics.moment)
        var otherBudget = statistics.provenance.key
        otherBudget.budget?.maxTokens = 501
        var otherCorpus = statistics.provenance.key
        otherCorpus.corpusFormat = "lines"
        for key in [otherBudget, otherCorpus] {
            #expect(cache.url(for: key) != url)
            #expect(try cache.statistics(for: key) == nil)
        }
    }

    @Test("without a corpus: the one file of this model, module and budget is found; several corpora are ambiguous")
    func lookupWithoutCorpus() throws {
        let statistics = try StatisticsFileTests.statistics()
        let (module, budget) = (statistics.provenance.module, try #require(statistics.provenance.budget))
        #expect(try cache.statistics(modelFingerprint: "f00d", module: module, budget: budget) == nil)
        try cache.store(statistics)
        try cache.store(try StatisticsFileTests.statistics(module: "model.layers.5.mlp.down_proj", offset: 1))
        #expect(try cache.statistics(modelFingerprint: "f00d", module: module, budget: budget)?.moment == statistics.moment)
        var otherBudget = budget
        otherBudget.maxTokens = 501
        #expect(try cache.statistics(modelFingerprint: "f00d", module: module, budget: otherBudget) == nil)
        #expect(try cache.statistics(modelFingerprint: "beef", module: module, budget: budget) == nil)

        var otherCorpus = try StatisticsFileTests.statistics(offset: 2)
        otherCorpus.provenance.corpusSHA256 = "decade"
        try cache.store(otherCorpus)
        let files = [statistics, otherCorpus].map { cache.url(for: $0.provenance.key).path(percentEncoded: false) }.sorted()
        #expect(throws: StatisticsError.ambiguousCache(module: module, files: files)) {
            try cache.statistics(modelFingerprint: "f00d", module: module, budget: budget)
        }
    }

    @Test("a file at the key's path that was made for another key is ignored (stale)")
    func staleFile() throws {
        let statistics = try StatisticsFileTests.statistics()
        let url = cache.url(for: statistics.provenance.key)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        var stale = statistics
        stale.provenance.budget?.maxLength = 32
        try stale.write(to: url)
        #expect(try cache.statistics(for: statistics.provenance.key) == nil)
    }

    @Test("partial and empty statistics are not cached")
    func refusesPartials() throws {
        let partial = try StatisticsFileTests.statistics(shard: try StatisticsShard(index: 0, count: 2))
        let path = cache.url(for: partial.provenance.key).path(percentEncoded: false)
        #expect(throws: StatisticsError.partialStatistics(file: path, shard: "0/2")) { try cache.store(partial) }
        #expect(throws: StatisticsError.emptyStatistics(file: path)) {
            try cache.store(try StatisticsFileTests.statistics(count: 0))
        }
    }

    @Test("computes once, then reuses; a changed corpus or model computes again")
    func computeOnce() throws {
        let encoder = try StatisticsTestModel.encoder(in: directory.url)
        let documents = StatisticsTestModel.documents(8)
        let corpus = try StatisticsTestModel.jsonl(documents, in: directory)
        let module = StatisticsTestModel.module
        func run(_ encoder: any TextEncoder, _ corpus: TextCorpus) throws -> (LayerStatistics, computed: Bool) {
            let progress = RecordingProgress()
            let statistics = try cache.statistics(encoder: encoder, module: module, corpus: corpus, progress: progress)
            return (statistics, progress.phases.contains { $0.hasPrefix("statistics of") })
        }
        let (first, firstComputed) = try run(encoder, corpus)
        let (second, secondComputed) = try run(encoder, corpus)
        #expect(firstComputed && !secondComputed)
        #expect(second.moment == first.moment && second.provenance == first.provenance)

        let changed = try StatisticsTestModel.jsonl(documents + ["one more"], in: directory)
        #expect(try run(encoder, changed).computed)
        let otherModel = try StatisticsTestModel.encoder(in: directory.url, seed: 8)
        #expect(try run(otherModel, corpus).computed)
        #expect(try run(otherModel, corpus).computed == false)
    }
}
