import Foundation
import KnowledgeEditing
import ModelInterfaces

/// MoKus stage 2, textual knowledge updating (reference A.2, A.4): every knowledge statement of
/// every concept becomes one edit request q_i ↦ " anchor", applied sequentially, one request per
/// edit (the paper's "batch size 1"), so that a lifelong editor's state (UltraEdit's normaliser)
/// carries from one statement to the next.
public enum KnowledgeUpdate {
    /// The edit requests, in file order. `subject` is the statement itself: it occurs in the
    /// query, so locate-then-edit editors (ROME, MEMIT, AlphaEdit) read their keys at its last
    /// token; UltraEdit ignores it.
    public static func requests(_ concepts: [ConceptKnowledge], query: KnowledgeQuery) -> [EditRequest] {
        requests(concepts, queries: [query])
    }

    /// One request per statement and query form, statement-major ("What is {knowledge}?", "What does
    /// {knowledge} look like?", … for every statement in turn).
    public static func requests(_ concepts: [ConceptKnowledge], queries: [KnowledgeQuery]) -> [EditRequest] {
        items(concepts, queries: queries).map(\.request)
    }

    /// One edit request with the concept and statement it comes from (a row of the report).
    struct Item {
        var concept: String
        var statement: String
        var request: EditRequest
    }

    /// Every request with the concept and statement it comes from.
    static func items(_ concepts: [ConceptKnowledge], queries: [KnowledgeQuery]) -> [Item] {
        concepts.flatMap { concept in
            concept.knowledge.flatMap { statement in
                queries.map { query in
                    Item(concept: concept.concept, statement: statement, request: EditRequest(
                        prompt: query.prompt(for: statement), targetNew: KnowledgeQuery.target(anchor: concept.anchor),
                        subject: statement))
                }
            }
        }
    }

    /// Checks every request, measures, edits sequentially through `session`, measures again.
    ///
    /// Nothing is edited when `editor.check` refuses any request. Measurements per query: greedy
    /// exact match (``ModelInterfaces/TeacherForcing/greedyExactMatch(prompt:answer:encoder:)``:
    /// does greedy decoding produce the anchor's tokens) and the anchor's mean per-token
    /// log-probability under teacher forcing, before the first edit and after the last.
    ///
    /// - Parameters:
    ///   - session: the session over the encoder to edit; its records are the edits made.
    ///
    /// The editor reports to its own progress (``KnowledgeEditing/KnowledgeEditor/progress``), each
    /// phase named by its statement (`statement 2/5: …`).
    /// - Throws: whatever the editor's check or edit throws (typed errors of its module).
    /// - Complexity: one editor call per statement; 2 × (answer tokens + 1) forward passes per
    ///   statement for the measurements.
    public static func run(
        _ concepts: [ConceptKnowledge], query: KnowledgeQuery, editor: any KnowledgeEditor, session: EditSession
    ) throws -> KnowledgeUpdateReport {
        try run(concepts, queries: [query], editor: editor, session: session)
    }

    /// ``run(_:query:editor:session:)`` with one request per statement and query form
    /// (``requests(_:queries:)``), each its own edit.
    public static func run(
        _ concepts: [ConceptKnowledge], queries: [KnowledgeQuery], editor: any KnowledgeEditor, session: EditSession
    ) throws -> KnowledgeUpdateReport {
        try run(items(concepts, queries: queries), editor: editor, session: session)
    }

    /// Edits `items` in order, one edit each, measured before the first and after the last.
    static func run(_ items: [Item], editor: any KnowledgeEditor, session: EditSession) throws -> KnowledgeUpdateReport {
        let requests = items.map(\.request)
        try editor.check(requests, encoder: session.encoder)
        let before = try measure(requests, session: session)
        var seconds: [Double] = []
        for (index, request) in requests.enumerated() {
            let start = Date()
            try session.apply(editor, requests: [request], label: "statement \(index + 1)/\(requests.count)")
            seconds.append(Date().timeIntervalSince(start))
        }
        let after = try measure(requests, session: session)
        return KnowledgeUpdateReport(
            algorithm: type(of: editor).algorithmName, rows: rows(items, before: before, after: after), editSeconds: seconds)
    }

    /// The report's rows: each item with its measurements before and after.
    static func rows(
        _ items: [Item], before: [KnowledgeUpdateReport.Check], after: [KnowledgeUpdateReport.Check]
    ) -> [KnowledgeUpdateReport.Row] {
        zip(items, zip(before, after)).map { item, measured in
            KnowledgeUpdateReport.Row(
                concept: item.concept, knowledge: item.statement, query: item.request.prompt, target: item.request.targetNew,
                before: measured.0, after: measured.1)
        }
    }

    /// Measures every request's query against its target on the session's current weights.
    public static func measure(_ requests: [EditRequest], session: EditSession) throws -> [KnowledgeUpdateReport.Check] {
        let scores = try TeacherForcing.score(requests.map { ($0.prompt, $0.targetNew) }, encoder: session.encoder)
        return try zip(requests, scores).map { request, score in
            KnowledgeUpdateReport.Check(
                exactMatch: try TeacherForcing.greedyExactMatch(
                    prompt: request.prompt, answer: request.targetNew, encoder: session.encoder),
                targetLogProbability: score.meanLogProbability)
        }
    }
}
