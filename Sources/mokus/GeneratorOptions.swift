import ArgumentParser
import Foundation

/// `--generator` and `--encoder`: the pipeline folder and the text encoder that conditions it
/// (shared by `generate` and `learn-concept`).
struct GeneratorOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Diffusers pipeline folder (transformer/, vae/, scheduler/); default: the bundled world's.",
            valueName: "dir"),
        completion: .directory)
    var generator: String?
    @Option(
        help: ArgumentHelp(
            "Text encoder checkpoint directory (default: the generator's text_encoder/).",
            valueName: "dir"),
        completion: .directory)
    var encoder: String?

    /// `--generator`, else the bundled world's pipeline.
    func pipeline() throws -> URL {
        try generator.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? EmbeddedModels.pipeline()
    }

    /// `--encoder`, else the pipeline's `text_encoder/`.
    func encoderDirectory(pipeline: URL) -> URL {
        encoder.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? pipeline.appending(path: "text_encoder")
    }
}
