import Foundation
import ModelInterfaces
import ModelIO
import Statistics
import Tensors
import Testing
import TestSupport
import TextEncoders

@Suite("Layer statistics: C = Σ k kᵀ / count over a corpus")
struct LayerStatisticsComputeTests {
    let directory: TemporaryDirectory
    let encoder: TransformerTextEncoder
    let documents = StatisticsTestModel.documents()

    init() throws {
        directory = try TemporaryDirectory()
        encoder = try StatisticsTestModel.encoder(in: directory.url)
    }

    func lengths(_ documents: [String]) throws -> [Int] {
        try documents.map { try encoder.tokenize($0).count }
    }

    @Test("the batched sum equals a direct Float64 sum over unpadded passes; count = real tokens")
    func matchesDirectComputation() throws {
        let corpus = try StatisticsTestModel.jsonl(documents, in: directory)
        let statistics = try LayerStatistics.compute(
            encoder: encoder, module: StatisticsTestModel.module, corpus: corpus,
            batching: StatisticsBatching(documents: 5, tokens: 120))
        let reference = try StatisticsTestModel.reference(encoder, documents)
        #expect(statistics.moment.count == reference.count)
        #expect(statistics.moment.count == (try lengths(documents)).reduce(0, +))
        #expect(StatisticsTestModel.relativeError(statistics.moment, reference) < 1e-6)
        let provenance = statistics.provenance
        #expect(provenance.modelFingerprint == encoder.fingerprint)
        #expect(provenance.corpusSHA256 == SHA256.hex(of: try Data(contentsOf: corpus.url)))
        #expect(provenance.corpusFormat == "jsonl:text")
        #expect(provenance.documentCount == documents.count)
        #expect(provenance.shard == nil)
        let mean = statistics.moment.mean
        #expect(mean.shape == [24, 24])
        #expect(abs(Double(mean.scalars[25]) - reference.sum[25] / Double(reference.count)) < 1e-5)
    }

    @Test("a plain-text corpus (one document per line) gives the same statistics as JSONL")
    func plainText() throws {
        let text = documents.joined(separator: "\n")
        let lines = TextCorpus(url: try directory.write(text, to: "corpus.txt"), format: .lines)
        let jsonl = try StatisticsTestModel.jsonl(documents, in: directory)
        let fromLines = try LayerStatistics.compute(encoder: encoder, module: StatisticsTestModel.module, corpus: lines)
        let fromJSONL = try LayerStatistics.compute(encoder: encoder, module: StatisticsTestModel.module, corpus: jsonl)
        #expect(fromLines.moment == fromJSONL.moment)
        #expect(fromLines.provenance.corpusFormat == "lines")
    }

    @Test("max_length cuts every document; max_documents and max_tokens stop the corpus")
    func budgets() throws {
        let corpus = try StatisticsTestModel.jsonl(documents, in: directory)
        let full = try lengths(documents)
        let module = StatisticsTestModel.module

        let cut = try LayerStatistics.compute(
            encoder: encoder, module: module, corpus: corpus, budget: StatisticsBudget(maxLength: 7))
        let cutReference = try StatisticsTestModel.reference(encoder, documents, lengths: full.map { min($0, 7) })
        #expect(cut.moment.count == full.map { min($0, 7) }.reduce(0, +))
        #expect(StatisticsTestModel.relativeError(cut.moment, cutReference) < 1e-6)

        let firstTen = try LayerStatistics.compute(
            encoder: encoder, module: module, corpus: corpus, budget: StatisticsBudget(maxDocuments: 10))
        #expect(firstTen.moment.count == full.prefix(10).reduce(0, +))
        #expect(firstTen.provenance.documentCount == 10)

        let tokenBudget = full.prefix(6).reduce(0, +) + 3  // ends 3 tokens into document 6
        let tokens = try LayerStatistics.compute(
            encoder: encoder, module: module, corpus: corpus, budget: StatisticsBudget(maxTokens: tokenBudget))
        let tokenReference = try StatisticsTestModel.reference(
            encoder, Array(documents.prefix(7)), lengths: Array(full.prefix(6)) + [3])
        #expect(tokens.moment.count == tokenBudget)
        #expect(tokens.provenance.documentCount == 7)
        #expect(StatisticsTestModel.relativeError(tokens.moment, tokenReference) < 1e-6)
    }

    @Test("three shards merged equal the unsharded statistics", arguments: [
        StatisticsBudget(), StatisticsBudget(maxTokens: 200, maxLength: 20), StatisticsBudget(maxDocuments: 11),
    ])
    func shardedMerge(budget: StatisticsBudget) throws {
        let corpus = try StatisticsTestModel.jsonl(documents, in: directory)
        let module = StatisticsTestModel.module
        let whole = try LayerStatistics.compute(encoder: encoder, module: module, corpus: corpus, budget: budget)
        var urls: [URL] = []
        for index in [2, 0, 1] {
            let part = try LayerStatistics.compute(
                encoder: encoder, module: module, corpus: corpus, budget: budget,
                batching: StatisticsBatching(documents: 3), shard: try StatisticsShard(index: index, count: 3))
            #expect(part.provenance.shard?.description == "\(index)/3")
            let url = directory.file("part-\(index).safetensors")
            try part.write(to: url)
            urls.append(url)
        }
        let merged = try LayerStatistics.merge(urls)
        #expect(merged.moment.count == whole.moment.count)
        #expect(merged.provenance == whole.provenance)
        #expect(StatisticsTestModel.relativeError(merged.moment, whole.moment) <= 1e-6)
    }

    @Test("batch grouping changes rounding only",
          arguments: [StatisticsBatching(documents: 1), StatisticsBatching(tokens: 1)])
    func batchingInvariance(batching: StatisticsBatching) throws {
        let corpus = try StatisticsTestModel.jsonl(documents, in: directory)
        let module = StatisticsTestModel.module
        let batched = try LayerStatistics.compute(encoder: encoder, module: module, corpus: corpus)
        let single = try LayerStatistics.compute(encoder: encoder, module: module, corpus: corpus, batching: batching)
        #expect(single.moment.count == batched.moment.count)
        #expect(StatisticsTestModel.relativeError(single.moment, batched.moment) < 1e-6)
    }

    @Test("progress: a hashing phase, then one update per batch; every phase ends")
    func progress() throws {
        let corpus = try StatisticsTestModel.jsonl(documents, in: directory)
        let progress = RecordingProgress()
        _ = try LayerStatistics.compute(
            encoder: encoder, module: StatisticsTestModel.module, corpus: corpus,
            batching: StatisticsBatching(documents: 10), shard: try StatisticsShard(index: 1, count: 2),
            progress: progress)
        let phases = ["hashing corpus \(corpus.path)", "statistics of \(StatisticsTestModel.module) (shard 1/2)"]
        #expect(progress.phases == phases)
        #expect(progress.ended == 2)
        #expect(progress.updates.map(\.0) == [22, 23])  // shard 1 has 10 documents among the first 21, then 1 more
    }

    @Test("an unknown module, an empty or missing corpus, and invalid budgets are reported")
    func invalidInputs() throws {
        let corpus = try StatisticsTestModel.jsonl(documents, in: directory)
        let unknown = #expect(throws: TextEncoderError.self) {
            try LayerStatistics.compute(encoder: encoder, module: "model.layers.9.mlp", corpus: corpus)
        }
        guard case .unknownModule(name: "model.layers.9.mlp", _) = unknown else {
            Issue.record("expected unknownModule, got \(String(describing: unknown))")
            return
        }
        let positive = "a positive number"
        #expect(throws: StatisticsError.invalidParameter(name: "max_tokens", value: "0", expected: positive)) {
            try LayerStatistics.compute(
                encoder: encoder, module: StatisticsTestModel.module, corpus: corpus,
                budget: StatisticsBudget(maxTokens: 0))
        }
        #expect(throws: StatisticsError.invalidParameter(name: "batch_documents", value: "0", expected: positive)) {
            try LayerStatistics.compute(
                encoder: encoder, module: StatisticsTestModel.module, corpus: corpus,
                batching: StatisticsBatching(documents: 0))
        }
        let missing = TextCorpus(url: directory.file("absent.txt"), format: .lines)
        #expect(throws: StatisticsError.unreadableCorpus(file: missing.path, reason: "no such file")) {
            try LayerStatistics.compute(encoder: encoder, module: StatisticsTestModel.module, corpus: missing)
        }
        let empty = TextCorpus(url: try directory.write("\n\n", to: "empty.txt"), format: .lines)
        let nothing = try LayerStatistics.compute(encoder: encoder, module: StatisticsTestModel.module, corpus: empty)
        #expect(nothing.moment.count == 0)
        #expect(nothing.moment.dimension == StatisticsTestModel.moduleWidth)
    }
}
