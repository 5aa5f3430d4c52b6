import ArgumentParser
import Foundation
import Personalization
import Tensors

extension Mokus.ModAdapterCommand {
    /// `mokus modadapter generate`: concept images' predicted Δ on their words in a new prompt.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw a prompt with the Δ Mod-Adapter predicts from concept images (no test-time training).",
            discussion: """
                Each --concept is IMAGE.png:WORD,WORD — a PNG of the generator's size and the words of --prompt whose \
                Δ the adapter predicts from it (e.g. --concept star.png:red,star --concept dots.png:dotted --concept \
                sky.png:teal). No word may come from two images.
                """)

        @OptionGroup var model: GeneratorOptions
        @Option(help: ArgumentHelp("The adapter file.", valueName: "file")) var adapter: String
        @Option(name: .customLong("concept"), help: ArgumentHelp("A concept image and its words.", valueName: "png:words"))
        var concepts: [String] = []
        @OptionGroup var drawing: ModulatedDrawingOptions
        @OptionGroup var memory: MemoryOptions

        func validate() throws {
            guard !concepts.isEmpty else { throw ValidationError("Give at least one --concept.") }
            for concept in concepts where Mokus.TokenVerseCommand.Generate.split(concept).words == nil {
                throw ValidationError("--concept \(concept): expected IMAGE.png:word[,word…]")
            }
        }

        func run() throws {
            memory.apply()
            try drawing.outputs().run { _ in
                let session = try ModAdapterSession(model)
                let trained = try session.read(adapter)
                let defaults = session.pipeline.defaults
                let used = try concepts.flatMap { argument -> [(source: String, concept: ConceptModulation)] in
                    let (path, words) = Mokus.TokenVerseCommand.Generate.split(argument)
                    let image = try ConceptImage.read(URL(fileURLWithPath: path), width: defaults.width, height: defaults.height)
                    return try trained.concepts(
                        image: image * 0.5 + 0.5, words: words ?? [], caption: drawing.prompt, evaluator: session.evaluator,
                        prompts: session.pipeline.prompts
                    ).concepts.map { (path, $0) }
                }
                try session.pipeline.draw(prompt: drawing.prompt, concepts: used, seed: drawing.seed, steps: drawing.steps, guidance: drawing.guidance, to: drawing.out)
                print(drawing.out)
            }
        }
    }
}
