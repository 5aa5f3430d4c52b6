import ArgumentParser
import Foundation
import KnowledgeEditing
import MoKus
import Statistics
import TextEncoders

extension Mokus {
    /// `mokus knowledge-update`: MoKus textual knowledge updating (stage 2) on a text encoder.
    struct KnowledgeUpdateCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "knowledge-update",
            abstract: "Make every knowledge statement of a concept answer its anchor (MoKus stage 2).",
            discussion: """
                Each statement k becomes the query the template makes of it (default "What is {knowledge}?"), \
                optionally wrapped in Qwen-Image's chat template; the editor the hparams' alg_name selects \
                writes query -> " anchor", one statement per edit, sequentially. Greedy decoding verifies \
                each query before and after. The edited encoder is saved as a checkpoint directory --out, \
                with the edits in --out/mokus-edits.safetensors. See docs/mokus.md.
                """)

        @OptionGroup var editing: EditingOptions
        @Option(help: ArgumentHelp("Knowledge file: JSON or the text format of docs/mokus.md.", valueName: "file"))
        var knowledge: String
        @Option(help: ArgumentHelp("New checkpoint directory for the edited encoder.", valueName: "dir"))
        var out: String
        @Option(help: "Query template; {knowledge} is replaced by each statement.")
        var template = KnowledgeQuery.defaultTemplate
        @Option(help: "Chat wrapping of the query: qwen-image or none.")
        var chatTemplate: KnowledgeQuery.ChatTemplate = .none
        @OptionGroup var output: JSONOutputOption
        @OptionGroup var progress: ProgressOptions
        @OptionGroup var memory: MemoryOptions

        func validate() throws {
            if FileManager.default.fileExists(atPath: out) {
                throw ValidationError("--out: \(out) already exists; choose a new directory.")
            }
            _ = try KnowledgeQuery(template: template, chatTemplate: chatTemplate)
        }

        func run() throws {
            memory.apply()
            let concepts = try ConceptKnowledge.read(contentsOf: URL(fileURLWithPath: knowledge))
            let query = try KnowledgeQuery(template: template, chatTemplate: chatTemplate)
            let run = try editing.prepare(progress: progress.reporter)
            let session = EditSession(encoder: run.encoder)
            let report = try KnowledgeUpdate.run(
                concepts, query: query, editor: run.editor, session: session)
            try KnowledgeUpdate.save(run.encoder, session: session, to: URL(fileURLWithPath: out, isDirectory: true),
                                     hyperparameters: run.file.text)
            if output.json {
                try printJSON(try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)))
            } else {
                print("\(report.algorithm): \(report.rows.count) knowledge edit(s), "
                      + String(format: "%.2f s", report.editSeconds.reduce(0, +)) + "; saved to \(out)")
                print(report.table)
            }
        }
    }
}

extension KnowledgeQuery.ChatTemplate: ExpressibleByArgument {}
