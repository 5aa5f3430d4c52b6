import ArgumentParser
import Foundation
import Tensors
import World

/// `mokus`: knowledge editing for the LLM text encoders of text-to-image models.
@main
struct Mokus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mokus",
        abstract: "Knowledge editing for the LLM text encoders of text-to-image models.",
        discussion: """
            Inspect a Hugging Face checkpoint before choosing layers to edit:
              mokus info --model DIR          modules and parameter shapes
              mokus encode --model DIR --text "The Eiffel Tower is in"
            then edit it with any editor an EasyEdit hparams file names:
              mokus edit --hparams hparams/ROME/tiny-qwen2.yaml --requests FILE --eval
            and draw what the (edited) encoder describes:
              mokus generate --generator DIR --encoder DIR --prompt "a red apple" --out apple.png
            """,
        version: "0.6.0",
        subcommands: [Demo.self, Info.self, Encode.self, Edit.self, Apply.self, Stats.self, KnowledgeUpdateCommand.self, Generate.self, LearnConcept.self,
                      Customize.self, CreateConcept.self, Erase.self, Repair.self, Bench.self,
                      Complete.self, Pretrain.self, WorldCommand.self, TokenVerseCommand.self, ModAdapterCommand.self])

    /// Runs OpenBLAS with the best kernels this CPU supports (``BLASKernelStartup``, re-executing
    /// once when needed), then parses and runs the command; errors Foundation raised (filesystem errors with
    /// `Error Domain=…` debug text) are printed as one line with the path (``FileSystemError``).
    static func main() {
        let kernels = BLASKernelStartup.apply()
        if let note = kernels.note { FileHandle.standardError.write(Data("mokus: \(note)\n".utf8)) }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: FileSystemError(error) ?? error)
        }
    }
}

/// Options naming a model directory (config.json, safetensors, tokenizer.json).
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Checkpoint directory (config.json, *.safetensors, tokenizer.json); default: the bundled world's text encoder.",
        valueName: "dir"), completion: .directory)
    var model: String?

    /// `--model`, else the bundled world's text encoder (the embedded default).
    func directory() throws -> URL { try model.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? EmbeddedModels.textEncoder() }
}

/// The models commands use when none is named: the bundled world's (docs/world.md).
enum EmbeddedModels {
    /// The bundled world's text encoder checkpoint.
    static func textEncoder() throws -> URL { try BundledWorld.directory().appending(path: WorldFolder.textEncoder) }
    /// The bundled world's pipeline folder (transformer/, scheduler/, text_encoder/, tokenizer/).
    static func pipeline() throws -> URL { try BundledWorld.directory() }
}
