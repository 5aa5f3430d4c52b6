import ArgumentParser
import Foundation
import ModelIO
import World

extension Mokus.WorldCommand {
    /// `mokus world corpus`: the encoder's pretraining corpus as a text file (one document per line),
    /// the layout `mokus stats` / `mokus edit --corpus` read for layer statistics.
    struct Corpus: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the world's pretraining corpus, one document per line.",
            discussion: """
                The same documents `world train encoder` trains on (the corpus of --corpus-seed, default 0, \
                the shipped encoder's). Used as mom2_dataset by hparams/<METHOD>/world.yaml.
                """)

        @Option(help: ArgumentHelp("Output text file (written atomically).", valueName: "file")) var out: String
        @Option(help: "Seed of the corpus' sampling and order.") var corpusSeed: UInt64 = 0
        @OptionGroup var worldOptions: WorldOptions

        func run() throws {
            let documents = try worldOptions.load().corpus(seed: corpusSeed)
            try writeText(documents.joined(separator: "\n") + "\n", to: out)
            print(out)
        }
    }

    /// `mokus world requests`: edit requests about the world's facts in EasyEdit's requests.json layout.
    struct Requests: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write edit requests about the world's facts (EasyEdit's requests.json layout).",
            discussion: """
                Each request asks a fact with the first training question template, targets another object, \
                rephrases the question with a held-out template and probes other entities' facts for locality \
                (never a fact that a request of the same file edits). \
                `mokus edit --requests FILE --eval` measures EasyEdit's metrics on them.
                """)

        @Option(help: ArgumentHelp("Output JSON file (written atomically).", valueName: "file")) var out: String
        @Option(help: "Number of requests (distinct facts).") var count = 100
        @Option(help: "Seed of the facts, targets and probes drawn.") var seed: UInt64 = 0
        @Option(help: "Locality probes per request.") var localityCount = 8
        @OptionGroup var worldOptions: WorldOptions

        func validate() throws {
            guard count >= 1 else { throw ValidationError("--count must be at least 1, found \(count).") }
        }

        func run() throws {
            let records = try worldOptions.load().editRequests(count: count, seed: seed, localityCount: localityCount)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try writeText(String(decoding: try encoder.encode(records), as: UTF8.self) + "\n", to: out)
            print(out)
        }
    }
}

/// Writes `text` to the file `path` atomically (a temporary file renamed over it).
private func writeText(_ text: String, to path: String) throws {
    try Data(text.utf8).writeAtomically(to: URL(fileURLWithPath: path))
}
