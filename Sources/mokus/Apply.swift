import ArgumentParser
import Foundation
import KnowledgeEditing
import TextEncoders

extension Mokus {
    /// `mokus apply`: re-apply saved edits to their base model.
    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-apply an edits file (from `mokus edit --save-edits`) to its base model.",
            discussion: "The edits file records the base model's fingerprint; another model is refused.")

        @OptionGroup var model: ModelOptions
        @Option(help: ArgumentHelp("Edits file.", valueName: "file")) var edits: String
        @Option(help: ArgumentHelp("Write the edited model as a checkpoint directory.", valueName: "dir")) var saveModel: String
        @Option(parsing: .unconditional, help: "Apply only the first N edits (at most as many as the file holds).") var count: Int?
        @OptionGroup var memory: MemoryOptions

        func validate() throws {
            _ = try outputs()
            try ArgumentChecks.check("--count", count, in: 0...1_000_000)
        }

        private func outputs() throws -> OutputPlan {
            try OutputPlan([.init(option: "--save-model", path: saveModel, isFolder: true)])
        }

        func run() throws {
            memory.apply()
            let encoder = try loadEncoder(model)
            let session = EditSession(encoder: encoder)
            try EditFile.resume(URL(fileURLWithPath: edits), into: session, count: count)
            try outputs().run { _ in try CheckpointExporter.save(encoder, to: URL(fileURLWithPath: saveModel, isDirectory: true)) }
            let parameters = Set(session.records.flatMap { $0.deltas.map(\.parameter) })
            print("applied \(session.records.count) edits (\(parameters.count) parameters) → \(saveModel)")
        }
    }
}
