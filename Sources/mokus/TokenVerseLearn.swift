import ArgumentParser
import Foundation
import Personalization
import Tensors

extension Mokus.TokenVerseCommand {
    /// `mokus tokenverse learn`: Δ per concept word from one captioned image.
    struct Learn: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Learn a modulation offset Δ per concept word from one PNG and its caption (TokenVerse).",
            discussion: """
                --image is a PNG of the generator's size; every --word must be a whole word of --caption. Δ (and with \
                --per-block a Δ per block) is learned from zero with the rectified-flow loss on the image and, in \
                --isolation-probability of the steps, TokenVerse's concept-isolation loss against base images the \
                generator draws from world captions holding no concept word. --out is a safetensors file with the \
                words, the caption and the generator's fingerprint in its metadata.
                """)

        @OptionGroup var model: GeneratorOptions
        @Option(help: ArgumentHelp("The concept image (PNG, the generator's size).", valueName: "file")) var image: String
        @Option(help: "The image's caption.") var caption: String
        @Option(name: .customLong("word"), help: "A concept word of the caption (repeat for several).") var words: [String] = []
        @Option(help: ArgumentHelp("Output Δ file (safetensors).", valueName: "file")) var out: String
        @OptionGroup var learning: TokenVerseOptions
        @OptionGroup var output: JSONOutputOption
        @OptionGroup var progress: ProgressOptions
        @OptionGroup var memory: MemoryOptions

        func validate() throws {
            guard !words.isEmpty else { throw ValidationError("Give at least one --word.") }
            _ = try outputs()
        }

        private func outputs() throws -> OutputPlan { try OutputPlan([.init(option: "--out", path: out)]) }

        func run() throws {
            memory.apply()
            try outputs().run { _ in try learn() }
        }

        private func learn() throws {
            let pipeline = try TokenVersePipeline(model)
            let settings = learning.settings(caption: caption, words: words)
            let concept = try ConceptImage.read(
                URL(fileURLWithPath: image), width: pipeline.defaults.width, height: pipeline.defaults.height)
            var random = RandomGenerator(seed: learning.seed)
            let captions = TokenVerseEvaluation.isolationCaptions(excluding: words, count: learning.isolationImages, random: &random)
            let isolation = try TokenVerse.isolation(
                generator: pipeline.generator, prompts: pipeline.prompts, captions: captions,
                negativePrompt: pipeline.defaults.negativePrompt, settings: pipeline.generation(steps: nil, guidance: 4))
            let result = try TokenVerse.learn(
                generator: pipeline.generator, baseFingerprint: pipeline.fingerprint, prompts: pipeline.prompts, image: concept,
                isolation: isolation, settings: settings, progress: progress.reporter)
            try result.modulations.write(
                to: URL(fileURLWithPath: out), layers: pipeline.generator.transformer.configuration.layerCount)
            if output.json {
                try printJSON([
                    "output": out, "words": words, "steps": result.losses.count,
                    "final_loss": result.losses.last.map { Double($0) as Any } ?? NSNull(),
                    "isolation_images": captions.count, "training_seconds": result.trainingSeconds,
                    "steps_per_second": Double(result.losses.count) / max(result.trainingSeconds, 1e-9), "seconds": result.seconds,
                ])
            } else {
                print(out)
            }
        }
    }
}
