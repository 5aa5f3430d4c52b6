import AlphaEdit
import Foundation
import KnowledgeEditing
import ModelInterfaces
import Statistics
import Tensors
import TextEncoders
import UltraEdit

/// Lifelong (sequential) editing rows on the committed tiny Qwen2 fixture with its real tokenizer:
/// 1,000 UltraEdit edits and 200 AlphaEdit edits, one request per edit, applied in one
/// ``EditSession`` each so the deltas accumulate.
///
/// Requests are generated deterministically (``requests(count:)``). Reported per run: edits
/// completed, non-finite values in the losses and in the edited weights at the end, mean and
/// median wall time per edit (``EditSession/apply(_:requests:label:)``: the editor and the
/// application of its deltas), and the evaluation of every request after the last edit
/// (``EditEvaluation/Schedule/afterAll``): teacher-forced rewrite accuracy, greedy exact match,
/// and locality agreement of the post-edit with the pre-edit predictions.
enum LifelongBenchmark {
    static let fixture = MokusBench.repositoryRoot.appending(path: "Tests/TextEncodersTests/Fixtures/qwen2")
    static let targets = ["Paris", "London", "Tokyo", "Berlin", "Rome"]
    static let materials = ["wood", "glass", "stone", "steel"]

    /// Request i: "Entity i lives in" → one of ``targets`` (by i mod 5), subject "Entity i", and
    /// one locality prompt "Object i is made of" → one of ``materials``.
    static func requests(count: Int) -> [EditRequest] {
        (0..<count).map { i in
            EditRequest(prompt: "Entity \(i) lives in", targetNew: targets[i % targets.count], subject: "Entity \(i)",
                        locality: ["neighborhood": [
                            PromptAnswer(prompt: "Object \(i) is made of", answer: materials[i % materials.count]),
                        ]])
        }
    }

    static func run() throws -> [String] {
        var lines = ["lifelong editing, tiny Qwen2 fixture (hidden 64, 2 layers, its tokenizer), one request per edit, "
                     + "evaluation after all edits:"]
        let root = MokusBench.repositoryRoot
        let ultra = try HyperparameterFile(contentsOf: root.appending(path: "hparams/UltraEdit/tiny-qwen2.yaml"))
            .decode(UltraEditHyperparameters.self)
        lines += try sequence("UltraEdit (hparams/UltraEdit/tiny-qwen2.yaml)", editor: UltraEditEditor(ultra),
                              count: 1000, modules: ultra.innerParameters)

        let alpha = try HyperparameterFile(contentsOf: root.appending(path: "hparams/AlphaEdit/tiny-qwen2.yaml"))
            .decode(AlphaEditHyperparameters.self)
        let corpus = TextCorpus(url: root.appending(path: "Tests/TokenizersTests/Fixtures/qwen_corpus.jsonl"))
        let encoder = try TextEncoderLoader.load(directory: fixture)
        let module = "model.layers.0.mlp.down_proj"
        var moment: Tensor?
        let statisticsSeconds = try Measure.seconds {
            moment = try LayerStatistics.compute(
                encoder: encoder, module: module,
                corpus: corpus, budget: StatisticsBudget(maxDocuments: 1000)).moment.mean
        }
        lines.append(String(format: "  AlphaEdit C = E[k kᵀ] of %@ from 1,000 documents of qwen_corpus.jsonl: "
                            + "%.2f s (not in the edit times)", module, statisticsSeconds))
        let secondMoment = moment!
        lines += try sequence("AlphaEdit (hparams/AlphaEdit/tiny-qwen2.yaml)",
                              editor: AlphaEditEditor(alpha, secondMoment: { _ in secondMoment }),
                              count: 200, modules: [module])
        return lines
    }

    /// Applies `count` single-request edits in sequence on a fresh fixture encoder and reports them.
    static func sequence(_ label: String, editor: any KnowledgeEditor, count: Int, modules: [String]) throws -> [String] {
        let encoder = try TextEncoderLoader.load(directory: fixture)
        let requests = requests(count: count)
        let pre = try requests.map { try EditEvaluation.measure($0, encoder: encoder) }
        let parameters = modules.map(ModuleTemplate.weightName(ofModule:))
        let baseNorm = try frobeniusNorm(parameters, encoder: encoder)
        let session = EditSession(encoder: encoder)
        var times: [Double] = [], losses: [Float] = [], ownAccuracy: [Float] = []
        for request in requests {
            var result: EditResult?
            times.append(try Measure.seconds { result = try session.apply(editor, requests: [request]) })
            losses += result!.diagnostics.flatMap { $0.losses + [$0.values["loss"]].compactMap { $0 } }
            // Untimed: the request's own teacher-forced accuracy right after its edit.
            ownAccuracy.append(try TeacherForcing.score([(request.prompt, request.targetNew)], encoder: encoder)[0].accuracy)
        }
        let reports = try zip(requests, pre).map { request, before in
            EditEvaluation.report(request, pre: before, post: try EditEvaluation.measure(request, encoder: encoder))
        }
        let summary = EditEvaluation.summary(reports)
        let weights = try parameters.map { try encoder.parameter($0) }
        let badWeights = weights.reduce(0) { $0 + $1.scalars.filter { !$0.isFinite }.count }
        let badLosses = losses.filter { !$0.isFinite }.count
        let sorted = times.sorted()
        let total = times.reduce(0, +)
        let late = times.suffix(max(times.count / 10, 1))
        return [
            "  \(label): \(session.records.count) of \(count) edits completed in \(String(format: "%.1f", total)) s",
            "    per edit: mean \(Measure.milliseconds(total / Double(max(times.count, 1)))), "
                + "median \(Measure.milliseconds(sorted[sorted.count / 2])), "
                + "last 10% mean \(Measure.milliseconds(late.reduce(0, +) / Double(late.count)))",
            "    non-finite values: \(badLosses) of \(losses.count) losses, "
                + "\(badWeights) in the \(modules.count) edited weights",
            String(format: "    edited weights' Frobenius norm: base %.2f → final %.2f; each request's accuracy right after "
                   + "its own edit (after-each): mean %.4f", baseNorm, try frobeniusNorm(parameters, encoder: encoder),
                   ownAccuracy.reduce(0, +) / Float(max(ownAccuracy.count, 1))),
            String(format: "    after all edits, rewrite accuracy (teacher forcing): pre %.4f → post %.4f; "
                   + "greedy exact match: pre %.4f → post %.4f",
                   summary["pre.rewrite_acc"] ?? 0, summary["post.rewrite_acc"] ?? 0,
                   summary["pre.rewrite_exact_match"] ?? 0, summary["post.rewrite_exact_match"] ?? 0),
            String(format: "    locality agreement (post vs pre argmax at the answer positions): %.4f",
                   summary["post.locality.neighborhood"] ?? 0),
        ]
    }

    /// sqrt(Σ w²) over the named parameters together.
    static func frobeniusNorm(_ parameters: [String], encoder: any TextEncoder) throws -> Float {
        try parameters.reduce(Float(0)) { $0 + (try encoder.parameter($1)).squared().sum().item }.squareRoot()
    }
}
