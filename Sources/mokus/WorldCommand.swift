import ArgumentParser
import Foundation
import World

extension Mokus {
    /// `mokus world …`: the tiny world (docs/world.md). Subcommands live in their own files
    /// (`WorldRender.swift`, `WorldText.swift`, `WorldTrain.swift`, `WorldEval.swift`, `WorldScore.swift`).
    struct WorldCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "world",
            abstract: "The tiny synthetic world: render it, train its encoder and evaluator, measure them.",
            discussion: """
                The world (entities, facts about them, splits) is generated from a seed, or read from \
                a folder holding world.json (--world). See docs/world.md.
                """,
            subcommands: [Render.self, Corpus.self, Requests.self, Train.self, Eval.self, Score.self])
    }
}

/// `--world DIR` and `--world-seed`: which world a `mokus world` subcommand works on.
struct WorldOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Folder holding world.json (default: generate the world of --world-seed).", valueName: "dir"),
            completion: .directory)
    var world: String?
    @Option(help: "Seed of the generated world when --world is not given.") var worldSeed: UInt64 = 0

    /// The world read from `--world`, or generated.
    func load() throws -> World {
        if let world { return try World.load(from: URL(fileURLWithPath: world, isDirectory: true)) }
        var configuration = WorldConfiguration()
        configuration.seed = worldSeed
        return try World.generate(configuration: configuration)
    }
}
