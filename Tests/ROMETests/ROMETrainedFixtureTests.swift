import Foundation
import KnowledgeEditing
import ROME
import Statistics
import Tensors
import Testing
import TextEncoders

/// ROME on the tiny Qwen2 trained on a synthetic fact world (Tests/MEMITTests/Fixtures/qwen2-facts,
/// made by make_trained_fixture.py beside it; its README describes the world and the requests).
@Suite("ROME on the trained fact-world fixture")
struct ROMETrainedFixtureTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "MEMITTests/Fixtures/qwen2-facts")
    static let repository = fixture.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Each of the fixture's 8 requests edited alone (undone before the next): the model answers
    /// the true object before (rewrite_acc 0) and the new one after, without disturbing the locality
    /// set (other people's facts). Failure messages show the whole summary, rephrase_acc included.
    @Test("single edits: rewrite_acc from 0 to ≥ 0.9 on average, other people's facts kept")
    func singleEdits() throws {
        let encoder = try TextEncoderLoader.load(directory: Self.fixture)
        let requests = try EditRequestFile(contentsOf: Self.fixture.appending(path: "requests.json")).requests
        let h = try HyperparameterFile(
            contentsOf: Self.repository.appending(path: "hparams/ROME/tiny-qwen2-facts.yaml")
        ).decode(ROMEHyperparameters.self)
        // C = E[k kᵀ] over the first `mom2_n_samples` documents of the fixture's corpus, computed once.
        let corpus = TextCorpus(url: Self.fixture.appending(path: "corpus.txt"), format: .lines)
        func statistics(_ layer: Int) throws -> Tensor {
            try LayerStatistics.compute(
                encoder: encoder, module: try h.rewriteModule.resolve(layer: layer, in: encoder.info), corpus: corpus,
                budget: StatisticsBudget(maxDocuments: h.covarianceSampleCount)
            ).moment.mean
        }
        let moments = try Dictionary(uniqueKeysWithValues: h.layers.map { ($0, try statistics($0)) })
        let rome = ROMEEditor(h) { layer in try moments[layer] ?? statistics(layer) }
        let session = EditSession(encoder: encoder)
        var reports: [EditEvaluation.RequestReport] = []
        for request in requests {
            let pre = try EditEvaluation.measure(request, encoder: encoder)
            try session.apply(rome, requests: [request])
            let post = try EditEvaluation.measure(request, encoder: encoder)
            reports.append(EditEvaluation.report(request, pre: pre, post: post))
            try session.undo()
        }
        let summary = EditEvaluation.summary(reports)
        #expect(summary["pre.rewrite_acc"] == 0, "\(EditEvaluation.table(summary))")
        #expect(summary["post.rewrite_acc"]! >= 0.9, "\(EditEvaluation.table(summary))")
        #expect(summary["post.locality.neighborhood"]! >= 0.9, "\(EditEvaluation.table(summary))")
    }
}
