import Foundation
import KnowledgeEditing
import ModelInterfaces

/// World-knowledge repair (`mokus repair`; MoKus reference A.9): an encoder holds wrong facts; each
/// correction (knowledge phrase p, right answer a) is edited back — every query form q(p) ("What is
/// {p}?", …), or the correction's own prompts, answers " a", one edit each, in order — and the
/// generator is scored on prompts that rely on the facts (WISE-style): the phrase itself in every
/// report prompt ("{p}", "{p} on a teal background") should render a.
///
/// The report draws every corrected fact's prompts and the same prompts of untouched facts (facts
/// no correction names, expected to keep their object) with the encoder before the repair (`base`)
/// and after it (`edited`). Text probes (not edited, measured before → after): each corrected fact
/// in every paraphrase form, each untouched fact in the first query form.
public enum KnowledgeRepair {
    /// One fact: a knowledge phrase and its (right) answer.
    public struct Fact: Sendable, Equatable, Codable {
        /// "Mia's lucky charm": the edit's subject (locate-then-edit editors read their keys at its
        /// last token) and what the report prompts name.
        public var phrase: String
        /// The object it is ("a small red striped star").
        public var answer: String
        /// Edit prompts naming the phrase (EasyEdit's `prompt`); empty: every query form.
        public var prompts: [String]

        public init(phrase: String, answer: String, prompts: [String] = []) {
            (self.phrase, self.answer, self.prompts) = (phrase, answer, prompts)
        }
    }

    /// The query forms edited per correction without prompts of its own: the world's training
    /// question templates.
    public static let defaultQueries = VirtualConcepts.defaultQueries
    /// The text probes' forms for corrected facts: the world's held-out question templates.
    public static let defaultParaphrases = ["Tell me what {knowledge} is.", "Which object is {knowledge}?"]

    /// Checks the facts before anything is loaded or computed: at least one correction; every
    /// phrase and answer non-empty; a correction's prompts name its phrase; and (without `force`,
    /// when `entities` is given: the pipeline's world's entity names) every corrected phrase names
    /// an entity.
    ///
    /// - Throws: ``MoKusError/invalidFacts(file:field:expected:found:)``,
    ///   ``MoKusError/unknownSubject(file:field:subject:)``.
    public static func check(_ corrections: [Fact], file: String, entities: [String]?, force: Bool) throws {
        guard !corrections.isEmpty else {
            throw MoKusError.invalidFacts(file: file, field: "(top level)", expected: "at least one correction", found: "none")
        }
        for (index, fact) in corrections.enumerated() {
            for (key, value) in [("phrase", fact.phrase), ("answer", fact.answer)] where value.trimmingCharacters(in: .whitespaces).isEmpty {
                throw MoKusError.invalidFacts(file: file, field: "[\(index)].\(key)", expected: "a non-empty phrase", found: "\"\(value)\"")
            }
            if let prompt = fact.prompts.first(where: { !$0.contains(fact.phrase) }) {
                throw MoKusError.invalidFacts(file: file, field: "[\(index)].prompt", expected: "a prompt naming \"\(fact.phrase)\"",
                                              found: "\"\(prompt)\"")
            }
            guard !force, let entities else { continue }
            let phrase = fact.phrase.lowercased()
            if !entities.contains(where: { phrase.contains($0.lowercased()) }) {
                throw MoKusError.unknownSubject(file: file, field: "[\(index)]", subject: fact.phrase)
            }
        }
    }

    /// Repairs `corrections` in `inputs.encoder` and writes the report folder `out` (atomically).
    ///
    /// - Parameters:
    ///   - file: the corrections' file, for error messages.
    ///   - untouched: facts no correction names, drawn and probed before and after (preservation).
    ///   - queries: the query forms edited per correction without prompts of its own.
    ///   - paraphrases: the probe forms of the corrections.
    /// - Throws: ``check(_:file:entities:force:)``'s errors, the editor's check and edit errors,
    ///   generator errors, `ModelIOError` when writing fails; nothing is written then.
    public static func run(
        _ corrections: [Fact], file: String, untouched: [Fact], entities: [String]?, force: Bool, queries: [KnowledgeQuery],
        paraphrases: [KnowledgeQuery], inputs: ApplicationInputs, to out: URL, progress: (any ProgressReporter)? = nil
    ) throws -> ApplicationMetrics {
        try check(corrections, file: file, entities: entities, force: force)
        let reader = inputs.reader
        func cells(_ group: String, _ facts: [Fact]) -> [ApplicationMetrics.Cell] {
            facts.flatMap { fact in
                inputs.report.prompts.map { prompt in
                    let context = prompt.replacingOccurrences(of: "{}", with: " ")
                    return ApplicationMetrics.Cell(
                        group: group, concept: fact.phrase, text: CustomizationReportSettings.text(prompt, phrase: fact.phrase),
                        expected: reader?.requestedAttributes(fact.answer + context) ?? [:], scores: [:])
                }
            }
        }
        let run = ApplicationRun(
            inputs: inputs, command: "repair", title: "Repairing \(corrections.count) facts",
            edits: edits(corrections, queries: queries),
            probes: probes(corrections, "corrected", queries: paraphrases) + probes(untouched, "untouched", queries: Array(queries.prefix(1))),
            cells: cells("corrected", corrections) + cells("untouched", untouched),
            states: [.init(name: "base", description: "the encoder holding the wrong facts", edited: false),
                     .init(name: "edited", description: "the repaired encoder", edited: true)])
        return try run.run(to: out, progress: progress) { figures(cells: $0) }
    }

    /// One edit per correction and query form (or per prompt of its own), correction-major.
    static func edits(_ facts: [Fact], queries: [KnowledgeQuery]) -> [KnowledgeUpdate.Item] {
        facts.flatMap { fact in
            fact.prompts.isEmpty
                ? KnowledgeUpdate.items([fact.knowledge], queries: queries)
                : fact.prompts.map { prompt in
                    KnowledgeUpdate.Item(concept: fact.phrase, statement: fact.phrase, request: EditRequest(
                        prompt: prompt, targetNew: KnowledgeQuery.target(anchor: fact.answer), subject: fact.phrase))
                }
        }
    }

    /// Every fact in every form, as rows of `group`.
    static func probes(_ facts: [Fact], _ group: String, queries: [KnowledgeQuery]) -> [KnowledgeUpdate.Item] {
        KnowledgeUpdate.items(facts.map { ConceptKnowledge(concept: group, anchor: $0.answer, knowledge: [$0.phrase]) }, queries: queries)
    }

    /// The corrected facts' prompts rendered right (every expected attribute, then each), the
    /// untouched facts' prompts rendered right and kept (same attributes as base).
    static func figures(cells: [ApplicationMetrics.Cell]) -> [ApplicationMetrics.Figure] {
        func figure(_ name: String, bar: String = "", group: String,
                    _ value: @escaping (ApplicationMetrics.Cell, ApplicationMetrics.Scores) -> Double?) -> ApplicationMetrics.Figure {
            ApplicationMetrics.figure(name, bar: bar, cells: cells, states: ["base", "edited"], include: { $0.group == group }, value)
        }
        var figures = [figure("corrected facts' prompts rendered right", bar: "≥ 0.8 edited", group: "corrected") { $1.everyAttribute }]
        for attribute in Set(cells.filter { $0.group == "corrected" }.flatMap(\.expected.keys)).sorted() {
            figures.append(figure("corrected facts' prompts: \(attribute)", group: "corrected") { $1.attributes[attribute] })
        }
        figures.append(figure("untouched facts' prompts rendered right", group: "untouched") { $1.everyAttribute })
        figures.append(figure("untouched facts' prompts: same attributes as base", bar: "≥ 0.9 edited", group: "untouched") {
            $1.sameAsBase
        })
        return figures.filter { !$0.values.isEmpty }
    }
}

extension KnowledgeRepair.Fact {
    /// The fact as MoKus knowledge: its phrase answers its answer.
    var knowledge: ConceptKnowledge { ConceptKnowledge(concept: phrase, anchor: answer, knowledge: [phrase]) }
}
