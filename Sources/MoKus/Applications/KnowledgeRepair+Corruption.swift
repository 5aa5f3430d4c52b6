import Foundation
import KnowledgeEditing
import ModelIO
import Tensors
import TextEncoders

extension KnowledgeRepair {
    /// `corruption.json` of a corrupted pipeline: the wrong facts' edits, before → after (the
    /// queries answering the wrong object after them are the corruptions that took).
    public static let corruptionFile = "corruption.json"
    /// The corrections file a corrupted pipeline carries.
    public static let correctionsFile = "corrections.json"

    /// The world variant with wrong facts: `count` of `facts` (chosen by `seed`, answers pairwise
    /// distinct) with their answers rotated — the i-th chosen fact gets the (i+1)-th one's answer
    /// (mod count) — so every chosen fact is wrong and every wrong answer is another chosen fact's
    /// right one. Returns the chosen facts' indices and their wrong answers, in choice order.
    ///
    /// - Throws: ``MoKusError/invalidFacts(file:field:expected:found:)`` when `count` < 2 or fewer
    ///   than `count` facts have distinct answers.
    public static func swapAnswers(of facts: [Fact], count: Int, seed: UInt64) throws -> [(index: Int, wrong: Fact)] {
        var chosen: [Int] = []
        var answers: Set<String> = []
        var random = RandomGenerator(seed: seed)
        for index in random.permutation(facts.count) where chosen.count < count && answers.insert(facts[index].answer).inserted {
            chosen.append(index)
        }
        guard count >= 2, chosen.count == count else {
            throw MoKusError.invalidFacts(file: "--corrupt", field: "count", expected: "2 to \(answers.count) facts with distinct answers",
                                          found: "\(count)")
        }
        return chosen.enumerated().map { position, index in
            var wrong = facts[index]
            wrong.answer = facts[chosen[(position + 1) % count]].answer
            return (index, wrong)
        }
    }

    /// Edits `wrong` into `encoder` (one edit per fact and query form, in order) and writes the
    /// corrupted pipeline folder `out` atomically: every item of `pipeline` but `text_encoder/`,
    /// the edited encoder as `text_encoder/` (``TextEncoders/CheckpointExporter``), the edits
    /// (``ApplicationMetrics/editsFile``), ``correctionsFile`` (`corrections`) and
    /// ``corruptionFile`` (the returned report).
    ///
    /// - Throws: the editor's check and edit errors, `ModelIOError` when writing fails; nothing is
    ///   written then.
    public static func corrupt(
        _ wrong: [Fact], corrections: [Correction], queries: [KnowledgeQuery], editor: any KnowledgeEditor,
        encoder: TransformerTextEncoder, hyperparameters: String?, pipeline: URL, to out: URL
    ) throws -> KnowledgeUpdateReport {
        let session = EditSession(encoder: encoder)
        let report = try KnowledgeUpdate.run(edits(wrong, queries: queries), editor: editor, session: session)
        let manager = FileManager.default
        try AtomicDirectory.write(out) { staging in
            try manager.createDirectory(at: staging, withIntermediateDirectories: true)
            for item in try manager.contentsOfDirectory(atPath: pipeline.path(percentEncoded: false)) where item != "text_encoder" {
                try manager.copyItem(at: pipeline.appending(path: item), to: staging.appending(path: item))
            }
            try CheckpointExporter.save(encoder, to: staging.appending(path: "text_encoder"))
            try EditFile.save(session, to: staging.appending(path: ApplicationMetrics.editsFile), hyperparameters: hyperparameters)
            try json(corrections).write(to: staging.appending(path: correctionsFile))
            try ReportImages.json(report).write(to: staging.appending(path: corruptionFile))
        }
        return report
    }
}
