import Foundation
import ModelInterfaces

/// Virtual concept creation (`mokus create-concept`; MoKus reference A.9): no images and no LoRA,
/// only knowledge. For a new name n and a description d, every query form q ("What is {n}?",
/// "What does {n} look like?", …) is edited to answer " d" (one edit per form and name, in
/// order), so that prompts using n carry d to the generator through the edited encoder.
///
/// The report draws, per concept, every report prompt with the name (base → edited) and with the
/// description itself (the reference: what the generator draws when told d directly), plus
/// unrelated prompts (preservation), and reads every image's attributes.
public enum VirtualConcepts {
    /// A name and what it looks like.
    public struct Concept: Sendable, Equatable {
        public var name: String
        public var description: String

        public init(name: String, description: String) {
            self.name = name
            self.description = description
        }
    }

    /// The world's question templates (world.md, "Splits"), with `{knowledge}` for the name.
    public static let defaultQueries = ["What is {knowledge}?", "What does {knowledge} look like?", "Describe {knowledge}.",
                                        "{knowledge} looks like what?"]

    /// Checks the concepts before anything is loaded or computed: names and descriptions non-empty,
    /// names distinct, and (without `force`) no name, nor word of a name, among `taken` (lowercased
    /// word → what it is, e.g. "an entity of the world").
    ///
    /// - Throws: ``MoKusError/emptyConcept(option:)``, ``MoKusError/emptyDescription(option:concept:)``,
    ///   ``MoKusError/duplicateConcept(name:)``, ``MoKusError/nameTaken(name:word:usedAs:)``.
    public static func check(_ concepts: [Concept], taken: [String: String], force: Bool) throws {
        var seen: Set<String> = []
        for concept in concepts {
            let name = concept.name.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw MoKusError.emptyConcept(option: "--name") }
            guard !concept.description.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw MoKusError.emptyDescription(option: "--description", concept: name)
            }
            guard seen.insert(name.lowercased()).inserted else { throw MoKusError.duplicateConcept(name: name) }
            guard !force else { continue }
            for word in [name.lowercased()] + name.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init) {
                if let usedAs = taken[word] { throw MoKusError.nameTaken(name: name, word: word, usedAs: usedAs) }
            }
        }
    }

    /// Creates the concepts in `inputs.encoder` and writes the report folder `out` (atomically).
    ///
    /// - Parameters:
    ///   - queries: the query forms edited per name.
    ///   - unrelated: prompts about nothing created, drawn before and after (preservation).
    /// - Throws: ``check(_:taken:force:)``'s errors, the editor's check and edit errors, generator
    ///   errors, `ModelIOError` when writing fails; nothing is written then.
    public static func run(
        _ concepts: [Concept], queries: [KnowledgeQuery], unrelated: [String], taken: [String: String], force: Bool,
        inputs: ApplicationInputs, to out: URL, progress: (any ProgressReporter)? = nil
    ) throws -> ApplicationMetrics {
        try check(concepts, taken: taken, force: force)
        let reader = inputs.reader
        /// A cell expecting the attributes `described` names (the description in the prompt's context).
        func cell(_ group: String, _ concept: String, _ text: String, described: String) -> ApplicationMetrics.Cell {
            .init(group: group, concept: concept, text: text, expected: reader?.requestedAttributes(described) ?? [:], scores: [:])
        }
        var cells: [ApplicationMetrics.Cell] = []
        for concept in concepts {
            for prompt in inputs.report.prompts {
                let context = prompt.replacingOccurrences(of: "{}", with: " ")
                cells.append(cell("name", concept.name, CustomizationReportSettings.text(prompt, phrase: concept.name),
                                  described: concept.description + context))
            }
            for prompt in inputs.report.prompts {
                let text = CustomizationReportSettings.text(prompt, phrase: concept.description)
                cells.append(cell("description", concept.name, text, described: text))
            }
        }
        cells += unrelated.map { cell("unrelated", "", $0, described: $0) }
        let run = ApplicationRun(
            inputs: inputs, command: "create-concept",
            title: "Virtual concepts: " + concepts.map { "\($0.name) = \($0.description)" }.joined(separator: "; "),
            edits: KnowledgeUpdate.items(
                concepts.map { ConceptKnowledge(concept: $0.name, anchor: $0.description, knowledge: [$0.name]) }, queries: queries),
            cells: cells,
            states: [.init(name: "base", description: "the unedited pipeline", edited: false),
                     .init(name: "edited", description: "the edited text encoder", edited: true)])
        return try run.run(to: out, progress: progress) { figures(concepts: concepts, cells: $0) }
    }

    /// Per concept: every described attribute, then each one alone, over the name's prompts and over
    /// the description's own prompts (the reference: what the generator draws when told directly);
    /// over all concepts; the unrelated prompts kept.
    static func figures(concepts: [Concept], cells: [ApplicationMetrics.Cell]) -> [ApplicationMetrics.Figure] {
        let states = ["base", "edited"]
        func figure(_ name: String, bar: String = "", _ include: @escaping (ApplicationMetrics.Cell) -> Bool,
                    _ value: @escaping (ApplicationMetrics.Cell, ApplicationMetrics.Scores) -> Double?) -> ApplicationMetrics.Figure {
            ApplicationMetrics.figure(name, bar: bar, cells: cells, states: states, include: include, value)
        }
        var figures: [ApplicationMetrics.Figure] = []
        for concept in concepts {
            let isName = { (cell: ApplicationMetrics.Cell) in cell.group == "name" && cell.concept == concept.name }
            figures.append(figure("\(concept.name): every described attribute", bar: "≥ 0.7 edited", isName) { $1.everyAttribute })
            let isDescription = { (cell: ApplicationMetrics.Cell) in cell.group == "description" && cell.concept == concept.name }
            figures.append(figure("\(concept.name)'s description (reference): every attribute", isDescription) { $1.everyAttribute })
            for attribute in Set(cells.filter(isName).flatMap(\.expected.keys)).sorted() {
                figures.append(figure("\(concept.name): \(attribute)", isName) { $1.attributes[attribute] })
                figures.append(figure("\(concept.name)'s description: \(attribute)", isDescription) { $1.attributes[attribute] })
            }
        }
        if concepts.count > 1 {
            figures.append(figure("all names: every described attribute", bar: "≥ 0.7 edited", { $0.group == "name" }) { $1.everyAttribute })
        }
        figures.append(figure("unrelated prompts: same attributes as base", bar: "≥ 0.9 edited", { $0.group == "unrelated" }) {
            $1.sameAsBase
        })
        figures.append(figure("unrelated prompts: every requested attribute", { $0.group == "unrelated" }) { $1.everyAttribute })
        return figures
    }
}
