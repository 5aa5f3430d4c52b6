import Foundation
import KnowledgeEditing
import MEMIT
import ModelInterfaces
import Statistics
import Tensors
import Testing
import TextEncoders

/// MEMIT on a tiny Qwen2 that *knows* facts: Fixtures/qwen2-facts, trained by
/// Fixtures/make_trained_fixture.py on a synthetic world of 120 invented people × 4 relations
/// (city, country, job, instrument; closed sets of one-token objects), recalling every fact after
/// any context template. Its training makes the subject's last token carry the subject's facts
/// (facts.json `causal_trace`), the mechanism MEMIT's edit relies on, so unlike the random
/// fixture of ``MEMITTests`` it can show the edits taking hold.
@Suite("MEMIT on the trained fact-world fixture")
struct MEMITTrainedFixtureTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appending(path: "Fixtures/qwen2-facts")
    static let repository = fixture.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The fixture's 8 edit requests (EasyEdit layout): each moves one person's fact to another
    /// object of the same relation, with the relation's second phrasing as the rephrase prompt and
    /// 8 facts of people who are not edited as the locality set.
    static func requests() throws -> [EditRequest] {
        try EditRequestFile(contentsOf: fixture.appending(path: "requests.json")).requests
    }

    /// hparams/MEMIT/tiny-qwen2-facts.yaml, with C_l = E[k kᵀ] over the first `mom2_n_samples`
    /// documents of the fixture's corpus, as `mokus edit --corpus` computes it.
    static func editor(_ encoder: any TextEncoder) throws -> MEMITEditor {
        let h = try HyperparameterFile(contentsOf: repository.appending(path: "hparams/MEMIT/tiny-qwen2-facts.yaml"))
            .decode(MEMITHyperparameters.self)
        let corpus = TextCorpus(url: fixture.appending(path: "corpus.txt"), format: .lines)
        return MEMITEditor(h) { layer in
            try LayerStatistics.compute(
                encoder: encoder, module: try h.rewriteModule.resolve(layer: layer, in: encoder.info), corpus: corpus,
                budget: StatisticsBudget(maxDocuments: h.covarianceSampleCount)
            ).moment.mean
        }
    }

    /// Issue #4's acceptance point: a batch of 8 edits reaches EasyEdit's rewrite accuracy ≥ 0.9.
    /// Before the edit the model answers every prompt with the true object, so it starts at 0; the
    /// locality set (other people's facts) must keep its answers. Failure messages show the whole
    /// summary (rephrase_acc included) and each request's final z loss.
    @Test("a batch of 8 edits: rewrite_acc from 0 to ≥ 0.9, other people's facts kept")
    func batchOfEight() throws {
        let encoder = try TextEncoderLoader.load(directory: Self.fixture)
        let requests = try Self.requests()
        let pre = try requests.map { try EditEvaluation.measure($0, encoder: encoder) }
        let result = try EditSession(encoder: encoder).apply(try Self.editor(encoder), requests: requests)
        let post = try requests.map { try EditEvaluation.measure($0, encoder: encoder) }
        let reports = zip(requests, zip(pre, post)).map { EditEvaluation.report($0, pre: $1.0, post: $1.1) }
        let summary = EditEvaluation.summary(reports)
        let losses = result.diagnostics.map { $0.losses.last ?? .nan }
        #expect(summary["pre.rewrite_acc"] == 0, "\(EditEvaluation.table(summary))")
        #expect(summary["post.rewrite_acc"]! >= 0.9, "\(EditEvaluation.table(summary))\nfinal z losses \(losses)")
        #expect(summary["post.locality.neighborhood"]! >= 0.9, "\(EditEvaluation.table(summary))")
    }
}
