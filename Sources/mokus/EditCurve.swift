import ArgumentParser
import Foundation
import Imaging
import KnowledgeEditing
import TextEncoders

/// `mokus edit --sequential --eval --eval-at 10,100,1000 [--curve FILE.svg]`: EasyEdit's metrics
/// along a lifelong run, not only after it.
struct CurveOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "With --sequential --eval: after the edit that reaches each of these request counts, also measure every "
            + "request edited so far (comma-separated, increasing).", valueName: "n,n,…"))
    var evalAt: EditCounts?
    @Option(help: ArgumentHelp(
        "With --eval-at: write the curve (rewrite, paraphrase and locality against edits) as an SVG plot.",
        valueName: "file.svg"))
    var curve: String?

    /// Throws unless the options go together (`--eval-at` needs a sequential evaluated run,
    /// `--curve` needs `--eval-at`).
    func validate(sequential: Bool, eval: Bool) throws {
        if evalAt != nil && !(sequential && eval) {
            throw ValidationError("--eval-at measures a --sequential --eval run along the way; pass both.")
        }
        if curve != nil && evalAt == nil { throw ValidationError("--curve plots the points of --eval-at; pass it.") }
    }
}

/// Increasing positive request counts, written `10,100,1000`.
struct EditCounts: ExpressibleByArgument {
    static let limit = 10_000_000
    let values: [Int]

    init?(argument: String) {
        let values = argument.split(separator: ",", omittingEmptySubsequences: false).map {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 && ($0 ?? 0) <= Self.limit }) else { return nil }
        let counts = values.compactMap { $0 }
        guard zip(counts, counts.dropFirst()).allSatisfy({ $0 < $1 }) else { return nil }
        self.values = counts
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

/// The metrics of the requests edited so far, after `edits` requests of a sequential run.
///
/// `summary` is ``EditEvaluation/summary(_:)`` over those requests: `pre.*` from the unedited
/// model, `post.*` measured at this point (so `post.rewrite_acc` at 1,000 edits is how well the
/// first 1,000 targets are still held after all of them, and locality compares with the unedited
/// predictions). `weightNorm` is ‖W‖_F over every matrix edited so far, √(Σ ‖W_i‖²), to see whether
/// the weights stay bounded over a run (AlphaEdit's divergence showed there).
struct EditCurvePoint {
    var edits: Int
    var summary: [String: Float]
    var weightNorm: Float

    /// Measures `requests` (the first `pre.count` of the run, all edited) on the encoder as it is now,
    /// and the norm of the `edited` parameters.
    static func measure(_ requests: ArraySlice<EditRequest>, pre: ArraySlice<EditEvaluation.Measurement>,
                        edited: Set<String>, encoder: TransformerTextEncoder) throws -> EditCurvePoint {
        let reports = try zip(requests, pre).map { request, before in
            EditEvaluation.report(request, pre: before, post: try EditEvaluation.measure(request, encoder: encoder))
        }
        let squares = try edited.sorted().reduce(Float(0)) { $0 + (try encoder.parameter($1)).squared().sum().item }
        return EditCurvePoint(edits: requests.count, summary: EditEvaluation.summary(reports), weightNorm: squares.squareRoot())
    }

    /// `{"edits": N, "summary": {…}, "weight_norm": ‖W‖}`.
    var json: [String: Any] { ["edits": edits, "summary": summary, "weight_norm": weightNorm] }

    /// `after 100 edits: rewrite 0.8220  paraphrase 0.7760  locality.neighborhood 0.8840  ‖W‖ 123.4`.
    var line: String {
        "after \(edits) edits: " + Self.series(of: summary).map { "\($0.name) " + String(format: "%.4f", $0.value) }
            .joined(separator: "  ") + String(format: "  ‖W‖ %.1f", weightNorm)
    }

    /// The plotted metrics of a summary, by legend name: teacher-forced rewrite and paraphrase
    /// accuracy after the edits, and each locality kind's agreement with the unedited predictions.
    static func series(of summary: [String: Float]) -> [(name: String, value: Float)] {
        var series: [(String, Float)] = []
        if let rewrite = summary["post.rewrite_acc"] { series.append(("rewrite", rewrite)) }
        if let paraphrase = summary["post.rephrase_acc"] { series.append(("paraphrase", paraphrase)) }
        for key in summary.keys.sorted() where key.hasPrefix("post.locality.") {
            series.append((String(key.dropFirst("post.".count)), summary[key] ?? 0))
        }
        return series
    }

    /// One line per metric, against the number of edits.
    static func plot(_ points: [EditCurvePoint], algorithm: String) -> LinePlot {
        let names = points.first.map { series(of: $0.summary).map(\.name) } ?? []
        return LinePlot(
            title: "\(algorithm): sequential edits", xLabel: "requests edited", yLabel: "accuracy",
            series: names.map { name in
                LinePlot.Series(
                    name: name, x: points.map { Double($0.edits) },
                    y: points.map { point in Double(series(of: point.summary).first { $0.name == name }?.value ?? 0) })
            })
    }
}
