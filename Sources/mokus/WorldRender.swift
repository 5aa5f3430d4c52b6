import ArgumentParser
import Foundation
import Imaging
import World

extension Mokus.WorldCommand {
    /// `mokus world render`: a folder of generator captions with their renders and masks.
    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render captions of the world: images/, masks/, captions.jsonl, facts.json.",
            discussion: """
                Draws --count captions with --seed and renders each at 32×32. --captions training (the \
                default) gives the generator's training captions (direct descriptions and knowledge captions \
                of captioned entities); held-out-direct, captioned-entities and held-out-entities give the \
                evaluation prompts the generator never saw (the first --count of each list). The folder is written atomically. --grid also \
                writes a sheet of the first --grid-count renders, enlarged 3×. --concept N renders --count scenes of \
                the world's reserved concept N instead (never in a generator caption: concept images for \
                `mokus learn-concept`), on --background or on drawn backgrounds.
                """)

        @Option(help: ArgumentHelp("Output folder (replaced when it exists).", valueName: "dir"), completion: .directory)
        var out: String
        @Option(help: "Which captions: training, held-out-direct, captioned-entities, held-out-entities.")
        var captions = CaptionSet.training
        @Option(help: "Number of captions to render.") var count = 64
        @Option(help: "Render reserved concept N (0-based; replaces --captions).") var concept: Int?
        @Option(help: "With --concept: the one background (default: drawn per image).") var background: Background?
        @Option(help: "Seed of the captions (objects, backgrounds, positions).") var seed: UInt64 = 0
        @Option(help: "Image side in pixels.") var size = 32
        @Option(help: ArgumentHelp("Also write a PNG sheet of the first renders here.", valueName: "file")) var grid: String?
        @Option(help: "Renders on the sheet (8 per row).") var gridCount = 48
        @OptionGroup var worldOptions: WorldOptions
        @OptionGroup var progress: ProgressOptions

        func validate() throws {
            guard (1...1_000_000).contains(count) else { throw ValidationError("--count must be in 1...1000000, found \(count).") }
            guard (8...1024).contains(size) else { throw ValidationError("--size must be in 8...1024, found \(size).") }
            if background != nil && concept == nil { throw ValidationError("--background applies to --concept renders.") }
            guard gridCount >= 1 else { throw ValidationError("--grid-count must be at least 1, found \(gridCount).") }
        }

        func run() throws {
            let world = try worldOptions.load()
            let captions = try concept.map { try world.conceptCaptions(concept: $0, count: count, background: background, seed: seed) }
                ?? world.captions(self.captions, count: count, seed: seed)
            let reporter = progress.reporter
            reporter?.begin("rendering", total: captions.count)
            try RenderedDataset.write(captions, of: world, size: size, to: URL(fileURLWithPath: out, isDirectory: true)) {
                reporter?.update(completed: $0, detail: "\($0) images")
            }
            reporter?.end()
            if let grid {
                let sheet = try Renderer.sampleSheet(captions.prefix(gridCount).map(\.scene), size: size, columns: 8)
                try PNGCodec.write(sheet, to: URL(fileURLWithPath: grid))
            }
            print(out)
        }
    }
}

extension CaptionSet: ExpressibleByArgument {}
extension Background: ExpressibleByArgument {}
