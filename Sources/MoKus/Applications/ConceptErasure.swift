import Foundation
import Generators
import ModelInterfaces

/// Concept erasure (`mokus erase`; MoKus reference A.9): every query form about the concept c
/// ("What is a {c}?", …) is edited to answer a replacement r (a phrase, or ``neutralReplacement``),
/// one edit per form, so that prompts naming c no longer carry it to the generator.
///
/// The report draws prompts naming c (the report prompts, then the paraphrase prompts) and the same
/// report prompts with other concepts in c's place, in three states: the unedited pipeline, the
/// edited encoder, and the baseline of a negative prompt: the unedited encoder with true CFG,
/// ε = ε(∅… c) + g (ε(prompt) − ε(c)), i.e. guidance away from c itself.
public enum ConceptErasure {
    /// `--neutral`'s replacement.
    public static let neutralReplacement = "an object"
    /// Question forms with `{knowledge}` for the concept.
    public static let defaultQueries = ["What is a {knowledge}?", "What does a {knowledge} look like?", "Describe a {knowledge}.",
                                        "Picture a {knowledge}."]

    /// What to erase and how to measure it.
    public struct Request: Sendable, Equatable {
        /// The concept, as prompts name it ("star").
        public var concept: String
        /// What its queries answer after the edit.
        public var replacement: String
        /// Prompts naming it, `{}` for the concept ("a small red striped {}").
        public var prompts: [String]
        /// Further wordings naming it, `{}` for the concept, never among the edited queries.
        public var paraphrases: [String]
        /// Other concepts drawn in `prompts` in its place (preservation).
        public var others: [String]

        public init(concept: String, replacement: String, prompts: [String], paraphrases: [String], others: [String]) {
            (self.concept, self.replacement, self.prompts, self.paraphrases, self.others) = (concept, replacement, prompts, paraphrases, others)
        }
    }

    /// Checks the request before anything is loaded or computed: the concept and replacement
    /// non-empty, and every word of the concept and of the others among `knownWords` when given
    /// (the encoder's world's words).
    ///
    /// - Throws: ``MoKusError/emptyConcept(option:)``, ``MoKusError/emptyDescription(option:concept:)``,
    ///   ``MoKusError/unknownConcept(concept:word:known:)``, ``MoKusError/invalidPrompt(prompt:reason:)``.
    public static func check(_ request: Request, knownWords: Set<String>?) throws {
        guard !request.concept.trimmingCharacters(in: .whitespaces).isEmpty else { throw MoKusError.emptyConcept(option: "--concept") }
        guard !request.replacement.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw MoKusError.emptyDescription(option: "--replacement", concept: request.concept)
        }
        if let bad = (request.prompts + request.paraphrases).first(where: { !$0.contains("{}") }) {
            throw MoKusError.invalidPrompt(prompt: bad, reason: "it has no '{}' for the concept")
        }
        guard let knownWords else { return }
        for concept in [request.concept] + request.others {
            for word in concept.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init) where !knownWords.contains(word) {
                let known = knownWords.sorted().prefix(12).joined(separator: ", ") + (knownWords.count > 12 ? ", …" : "")
                throw MoKusError.unknownConcept(concept: concept, word: word, known: known)
            }
        }
    }

    /// Erases `request.concept` from `inputs.encoder` and writes the report folder `out` (atomically).
    ///
    /// - Throws: ``check(_:knownWords:)``'s errors, the editor's check and edit errors, generator
    ///   errors, `ModelIOError` when writing fails; nothing is written then.
    /// - Parameter fineTuning: adds the state `enc-ft`, drawn by the unedited encoder fine-tuned
    ///   (``EncoderFineTuning``) on every query form and the bare concept (c → r), keeping the
    ///   same forms of the other concepts; nil: no such state.
    public static func run(
        _ request: Request, queries: [KnowledgeQuery], knownWords: Set<String>?, fineTuning: EncoderFineTuning? = nil,
        inputs: ApplicationInputs, to out: URL, progress: (any ProgressReporter)? = nil
    ) throws -> ApplicationMetrics {
        try check(request, knownWords: knownWords)
        let reader = inputs.reader
        func cells(_ group: String, _ concept: String, _ prompts: [String]) -> [ApplicationMetrics.Cell] {
            prompts.map { prompt in
                let text = CustomizationReportSettings.text(prompt, phrase: concept)
                return .init(group: group, concept: concept, text: text, expected: reader?.requestedAttributes(text) ?? [:], scores: [:])
            }
        }
        let run = ApplicationRun(
            inputs: inputs, command: "erase", title: "Erasing \(request.concept) (→ \(request.replacement))",
            edits: KnowledgeUpdate.items(
                [ConceptKnowledge(concept: request.concept, anchor: request.replacement, knowledge: [request.concept])], queries: queries),
            cells: cells("concept", request.concept, request.prompts) + cells("paraphrase", request.concept, request.paraphrases)
                + request.others.flatMap { cells("other", $0, request.prompts) },
            states: [.init(name: "base", description: "the unedited pipeline", edited: false),
                     .init(name: "edited", description: "the edited text encoder", edited: true),
                     .init(name: "negative", description: "baseline: the unedited encoder, true CFG with the negative prompt "
                            + "\"\(request.concept)\"", edited: false, negativePrompt: request.concept)]
                + (fineTuning.map { [fineTunedState(request, queries: queries, settings: $0, inputs: inputs)] } ?? []))
        let attribute = reader?.requestedAttributes(request.concept).keys.first
        return try run.run(to: out, progress: progress) {
            figures(request, attribute: attribute, states: run.states.map(\.name), cells: $0)
        }
    }

    /// The Enc-FT baseline's state: pairs are every query form and the bare concept with c and with
    /// r; the preserved prompts are the same forms with each other concept.
    static func fineTunedState(
        _ request: Request, queries: [KnowledgeQuery], settings: EncoderFineTuning, inputs: ApplicationInputs
    ) -> ApplicationRun.State {
        let forms: [(String) -> String] = [{ $0 }] + queries.map { query in { query.prompt(for: $0) } }
        return .init(
            name: "enc-ft",
            description: "baseline: the unedited encoder fine-tuned (layers \(settings.layers), \(settings.steps) steps, lr "
                + "\(settings.learningRate), preservation λ \(settings.preservation)) so the concept's forms encode as the replacement's",
            edited: false,
            replacements: {
                let template = try QwenImagePipelineFolder.defaults(of: inputs.pipeline).promptTemplate
                return try settings.tune(
                    inputs.encoder, template: template,
                    pairs: forms.map { ($0(request.concept), $0(request.replacement)) },
                    preserved: request.others.flatMap { other in forms.map { $0(other) } }).parameters
            })
    }

    /// Recognition of the concept (its attribute's class predicted) in prompts naming it and in the
    /// paraphrases; the other concepts' images kept (same attributes as base) and recognised as themselves.
    static func figures(
        _ request: Request, attribute: String?, states: [String], cells: [ApplicationMetrics.Cell]
    ) -> [ApplicationMetrics.Figure] {
        func figure(_ name: String, bar: String, group: String,
                    _ value: @escaping (ApplicationMetrics.Cell, ApplicationMetrics.Scores) -> Double?) -> ApplicationMetrics.Figure {
            ApplicationMetrics.figure(name, bar: bar, cells: cells, states: states, include: { $0.group == group }, value)
        }
        var figures: [ApplicationMetrics.Figure] = []
        if let attribute {
            figures.append(figure("\(request.concept) recognised, prompts naming it", bar: "< 0.2", group: "concept") { $1.attributes[attribute] })
            figures.append(figure("\(request.concept) recognised, paraphrases", bar: "< 0.3", group: "paraphrase") { $1.attributes[attribute] })
            figures.append(figure("other concepts recognised as themselves", bar: "", group: "other") { $1.attributes[attribute] })
        }
        figures.append(figure("prompts naming it: other requested attributes", bar: "", group: "concept") { cell, scores in
            let rest = cell.expected.keys.filter { $0 != attribute }
            return rest.isEmpty ? nil : rest.compactMap { scores.attributes[$0] }.mean
        })
        figures.append(figure("other concepts: same attributes as base", bar: "≥ 0.9", group: "other") { $1.sameAsBase })
        return figures
    }
}
