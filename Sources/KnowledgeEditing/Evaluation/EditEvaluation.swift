import Foundation
import ModelInterfaces

/// EasyEdit's editing metrics, measured before and after an edit, beside the stricter greedy
/// exact match.
///
/// - `rewrite_acc` (reliability): teacher-forced token accuracy of `target_new` after `prompt`.
/// - `rephrase_acc` (generalisation): the same on each rephrased prompt, averaged.
/// - `locality.<set>`: fraction of answer-position predictions on the locality prompts that the
///   edit left unchanged (post vs pre argmax ids; the ground truth is not compared), as EasyEdit.
/// - `portability.<set>`: teacher-forced accuracy against the portability answers.
/// - `rewrite_exact_match`: whether greedy decoding from the prompt now generates the whole target.
/// - `rewrite_ppl`: perplexity of the target tokens (EasyEdit's `eval_metric='ppl'`).
public enum EditEvaluation {
    /// When sequential edits are evaluated: the evaluation protocol, named in every report.
    public enum Schedule: String, Codable, Sendable, CaseIterable {
        /// Each request right after its own edit (EasyEdit since 2026-06).
        case afterEach = "after-each"
        /// Every request after the last edit (the AlphaEdit and UltraEdit papers, EasyEdit before).
        case afterAll = "after-all"
    }

    /// One request's measurements at one moment (pre or post).
    public struct Measurement: Codable, Sendable, Equatable {
        public var rewriteAccuracy: Float
        public var rewriteExactMatch: Bool
        public var rewritePerplexity: Float
        public var rephraseAccuracy: Float?
        public var portability: [String: Float]
        /// Argmax ids at the answer positions of each locality set's prompts.
        public var localityPredictions: [String: [[Int]]]

        enum CodingKeys: String, CodingKey {
            case portability
            case rewriteAccuracy = "rewrite_acc"
            case rewriteExactMatch = "rewrite_exact_match"
            case rewritePerplexity = "rewrite_ppl"
            case rephraseAccuracy = "rephrase_acc"
            case localityPredictions = "locality_predictions"
        }
    }

    /// Pre and post measurements of one request, with the locality agreement.
    public struct RequestReport: Codable, Sendable, Equatable {
        public var request: EditRequest
        public var pre: Measurement
        public var post: Measurement
        /// Per locality set: the fraction of pre-edit predictions the edit kept.
        public var locality: [String: Float]
    }

    /// Measures `request` on the encoder as it is now.
    public static func measure(_ request: EditRequest, encoder: any TextEncoder) throws -> Measurement {
        let rewrite = try TeacherForcing.score([(request.prompt, request.targetNew)], encoder: encoder)[0]
        let rephrase = try TeacherForcing.score(request.rephrasePrompts.map { ($0, request.targetNew) }, encoder: encoder)
        var portability: [String: Float] = [:]
        for (name, pairs) in request.portability {
            let scores = try TeacherForcing.score(pairs.map { ($0.prompt, $0.answer) }, encoder: encoder)
            portability[name] = mean(scores.map(\.accuracy))
        }
        var locality: [String: [[Int]]] = [:]
        for (name, pairs) in request.locality {
            locality[name] = try TeacherForcing.score(pairs.map { ($0.prompt, $0.answer) }, encoder: encoder).map(\.predicted)
        }
        return Measurement(
            rewriteAccuracy: rewrite.accuracy,
            rewriteExactMatch: try TeacherForcing.greedyExactMatch(prompt: request.prompt, answer: request.targetNew, encoder: encoder),
            rewritePerplexity: rewrite.perplexity,
            rephraseAccuracy: rephrase.isEmpty ? nil : mean(rephrase.map(\.accuracy)),
            portability: portability, localityPredictions: locality)
    }

    /// Combines pre and post measurements. A locality set's value is the mean over its prompts
    /// of each prompt's fraction of unchanged answer-position predictions (EasyEdit averages per
    /// prompt first).
    public static func report(_ request: EditRequest, pre: Measurement, post: Measurement) -> RequestReport {
        var locality: [String: Float] = [:]
        for (name, before) in pre.localityPredictions {
            let after = post.localityPredictions[name] ?? []
            let perPrompt = zip(before, after).map { pre, post in
                Float(zip(pre, post).filter { $0 == $1 }.count) / Float(Swift.max(pre.count, 1))
            }
            locality[name] = perPrompt.isEmpty ? 1 : mean(perPrompt)
        }
        return RequestReport(request: request, pre: pre, post: post, locality: locality)
    }

    /// Means over requests, EasyEdit's summary: `pre.rewrite_acc`, `post.rewrite_acc`, …
    public static func summary(_ reports: [RequestReport]) -> [String: Float] {
        var summary: [String: Float] = [:]
        for (phase, pick) in [("pre", \RequestReport.pre), ("post", \RequestReport.post)] {
            let measurements = reports.map { $0[keyPath: pick] }
            summary["\(phase).rewrite_acc"] = mean(measurements.map(\.rewriteAccuracy))
            summary["\(phase).rewrite_exact_match"] = mean(measurements.map { $0.rewriteExactMatch ? 1 : 0 })
            summary["\(phase).rewrite_ppl"] = mean(measurements.map(\.rewritePerplexity))
            let rephrase = measurements.compactMap(\.rephraseAccuracy)
            if !rephrase.isEmpty { summary["\(phase).rephrase_acc"] = mean(rephrase) }
            for name in Set(measurements.flatMap(\.portability.keys)) {
                summary["\(phase).portability.\(name)"] = mean(measurements.compactMap { $0.portability[name] })
            }
        }
        for name in Set(reports.flatMap(\.locality.keys)) {
            summary["post.locality.\(name)"] = mean(reports.compactMap { $0.locality[name] })
        }
        return summary
    }

    /// The summary as an aligned two-column table, keys sorted.
    public static func table(_ summary: [String: Float]) -> String {
        let width = summary.keys.map(\.count).max() ?? 0
        return summary.sorted { $0.key < $1.key }.map { key, value in
            key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + String(format: "%.4f", value)
        }.joined(separator: "\n")
    }

    private static func mean(_ values: [Float]) -> Float {
        values.isEmpty ? 0 : values.reduce(0, +) / Float(values.count)
    }
}
