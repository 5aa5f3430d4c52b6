import ArgumentParser
import Foundation
import Imaging
import Personalization

extension Mokus.TokenVerseCommand {
    /// `mokus tokenverse generate`: a prompt with learned concepts' Δ on their words.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw a prompt with the Δ of learned concepts added to their words (several files compose).",
            discussion: """
                Each --concept is a Δ file of `tokenverse learn`, optionally followed by :WORD,WORD to use only \
                those of its words (e.g. --concept star.safetensors:red,star --concept dots.safetensors:dotted). \
                Every used word must be a whole word of --prompt, no word may come from two concepts, and every \
                file must have been learned on this generator (its fingerprint).
                """)

        @OptionGroup var model: GeneratorOptions
        @Option(name: .customLong("concept"), help: ArgumentHelp("A Δ file, optionally FILE:word,word.", valueName: "file[:words]"))
        var concepts: [String] = []
        @OptionGroup var drawing: ModulatedDrawingOptions
        @OptionGroup var memory: MemoryOptions

        func validate() throws {
            guard !concepts.isEmpty else { throw ValidationError("Give at least one --concept.") }
        }

        func run() throws {
            memory.apply()
            try drawing.outputs().run { _ in try generate() }
        }

        private func generate() throws {
            let pipeline = try TokenVersePipeline(model)
            let c = pipeline.generator.transformer.configuration
            let used = try concepts.flatMap { argument -> [(source: String, concept: ConceptModulation)] in
                let (path, words) = Self.split(argument)
                let set = try ConceptModulationSet.read(
                    from: URL(fileURLWithPath: path), fingerprint: pipeline.fingerprint, width: c.innerDim, layers: c.layerCount)
                if let missing = words?.first(where: { word in !set.concepts.contains { $0.word == word } }) {
                    throw PersonalizationError.invalidSetting(
                        name: "--concept \(argument)", expected: "words of the file (\(set.concepts.map(\.word).joined(separator: ", ")))",
                        found: "\"\(missing)\"")
                }
                return (words.map { set.selecting(Set($0)) } ?? set).concepts.map { (path, $0) }
            }
            try pipeline.draw(prompt: drawing.prompt, concepts: used, seed: drawing.seed, steps: drawing.steps, guidance: drawing.guidance, to: drawing.out)
            print(drawing.out)
        }

        /// `FILE:w1,w2` → (FILE, [w1, w2]); a plain path → (path, nil).
        static func split(_ argument: String) -> (path: String, words: [String]?) {
            guard let colon = argument.lastIndex(of: ":"), !FileManager.default.fileExists(atPath: argument) else { return (argument, nil) }
            let words = argument[argument.index(after: colon)...].split(separator: ",").map(String.init)
            return (String(argument[..<colon]), words.isEmpty ? nil : words)
        }
    }
}
