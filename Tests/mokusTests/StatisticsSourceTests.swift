import Foundation
import KnowledgeEditing
import ModelInterfaces
import TestSupport
@testable import mokus
import Statistics
import Testing
import TextEncoders

/// The CLI's statistics provider: one corpus hash per run, and the cache without the corpus.
@Suite("mokus edit: where statistics come from")
struct StatisticsSourceTests {
    /// Records the phases begun.
    final class PhaseRecorder: ProgressReporter {
        var phases: [String] = []
        func begin(_ phase: String, total: Int?) { phases.append(phase) }
        func update(completed: Int, detail: String?) {}
        func end() {}
    }

    @Test("the corpus is hashed once for two layers; a run without a corpus then reads both from the cache")
    func hashOnceThenCacheWithoutCorpus() throws {
        let directory = try TemporaryDirectory(label: "mokus-stats-source")
        let root = EditCommandTests.repository
        let encoder = try TextEncoderLoader.load(directory: root.appending(path: "Tests/TextEncodersTests/Fixtures/qwen2"))
        let corpus = TextCorpus(url: root.appending(path: "Tests/TokenizersTests/Fixtures/qwen_corpus.jsonl"), jsonField: "text")
        let template = ModuleTemplate(key: "rewrite_module_tmp", pattern: "model.layers.{}.mlp.down_proj")
        let budget = StatisticsBudget(maxDocuments: 20)
        let recorder = PhaseRecorder()
        let computing = StatisticsSource(encoder: encoder, cacheDirectory: directory.url, corpus: corpus, budget: budget)
        let computed = try [0, 1, 0].map { try computing.secondMoment(of: template, layer: $0, progress: recorder) }
        #expect(recorder.phases.filter { $0.hasPrefix("hashing corpus") }.count == 1, "phases \(recorder.phases)")

        let cachedOnly = StatisticsSource(encoder: encoder, cacheDirectory: directory.url, corpus: nil, budget: budget)
        for layer in [0, 1] {
            #expect(try cachedOnly.secondMoment(of: template, layer: layer, progress: nil).scalars == computed[layer].scalars)
        }
        let otherBudget = StatisticsSource(encoder: encoder, cacheDirectory: directory.url, corpus: nil,
                                           budget: StatisticsBudget(maxDocuments: 21))
        #expect(throws: StatisticsSource.MissingCorpus.self) { try otherBudget.secondMoment(of: template, layer: 0, progress: nil) }
    }
}
