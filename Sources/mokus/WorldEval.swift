import ArgumentParser
import Evaluator
import Foundation
import TextEncoders
import World

extension Mokus.WorldCommand {
    /// `mokus world eval`: what the world's trained parts know (docs/world.md).
    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure the world's text encoder (fact and paraphrase questions) and evaluator (held-out renders).",
            discussion: """
                encoder.fact_exact: the fraction of the world's fact questions whose greedy answer is the fact's \
                object phrase; encoder.paraphrase_exact: the same for paraphrases in templates never seen in \
                training; evaluator.attribute_accuracy: per attribute, on renders of scenes the evaluator was not \
                trained on. Parts a world folder lacks are left out.
                """)

        @Option(help: ArgumentHelp("World folder (default: the bundled world).", valueName: "dir"), completion: .directory)
        var world: String?
        @Option(help: "Ask at most this many questions of each kind (default: all).") var questions: Int?
        @Option(help: "Held-out renders for the evaluator's accuracy.") var renders = 2048
        @Flag(help: "Print JSON on stdout.") var json = false

        func validate() throws {
            if let questions, questions < 1 { throw ValidationError("--questions must be at least 1, found \(questions).") }
            guard renders >= 1 else { throw ValidationError("--renders must be at least 1, found \(renders).") }
        }

        func run() throws {
            let report = try report()
            if json { return try printJSON(report) }
            let data = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }

        /// The measurements as the JSON object `--json` prints.
        func report() throws -> [String: Any] {
            let directory = try BundledWorld.resolve(world.map { URL(fileURLWithPath: $0, isDirectory: true) })
            let loaded = try World.load(from: directory)
            var report: [String: Any] = [:]
            let encoderDirectory = directory.appending(path: WorldFolder.textEncoder)
            if FileManager.default.fileExists(atPath: encoderDirectory.path(percentEncoded: false)) {
                let encoder = try TextEncoderLoader.load(directory: encoderDirectory)
                let scores = try WorldEvaluation.encoderScores(world: loaded, encoder: encoder, limit: questions)
                report["encoder"] = try JSONSerialization.jsonObject(with: JSONEncoder().encode(scores))
            }
            let evaluatorDirectory = directory.appending(path: WorldFolder.evaluator)
            if FileManager.default.fileExists(atPath: evaluatorDirectory.path(percentEncoded: false)) {
                let evaluator = try ImageEvaluator.load(from: evaluatorDirectory, expectedSchema: EvaluatorRecipe.schema)
                report["evaluator"] = ["attribute_accuracy": try WorldEvaluation.evaluatorAccuracy(evaluator, count: renders)]
            }
            return report
        }
    }
}
