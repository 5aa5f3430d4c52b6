import ArgumentParser
import Evaluator
import Foundation
import Generators
import TextEncoders
import World

extension Mokus.WorldCommand {
    /// `mokus world eval`: what the world's trained parts know (docs/world.md).
    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure the world's text encoder, evaluator and generator on what they were not trained on.",
            discussion: """
                encoder.fact_exact: the fraction of the world's fact questions whose greedy answer is the fact's \
                object phrase; encoder.paraphrase_exact: the same for paraphrases in templates never seen in \
                training; evaluator.attribute_accuracy: per attribute, on renders of scenes the evaluator was not \
                trained on; generator: images from prompts never captioned in training, read by the evaluator \
                (direct descriptions, captioned and held-out entities' knowledge), and how edits of held-out \
                facts move them (see docs/world.md). Parts a world folder lacks are left out.
                """)

        @Option(help: ArgumentHelp("World folder (default: the bundled world).", valueName: "dir"), completion: .directory)
        var world: String?
        @Option(help: "Ask at most this many questions of each kind (default: all).") var questions: Int?
        @Option(help: "Held-out renders for the evaluator's accuracy.") var renders = 2048
        @OptionGroup var generatorOptions: GeneratorEvaluationOptions
        @OptionGroup var output: JSONOutputOption
        @OptionGroup var progress: ProgressOptions

        func validate() throws {
            if let questions, questions < 1 { throw ValidationError("--questions must be at least 1, found \(questions).") }
            guard renders >= 1 else { throw ValidationError("--renders must be at least 1, found \(renders).") }
        }

        func run() throws {
            let report = try report()
            if output.json { return try printJSON(report) }
            let data = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }

        /// The measurements as the JSON object `--json` prints.
        func report() throws -> [String: Any] {
            let directory = try BundledWorld.resolve(world.map { URL(fileURLWithPath: $0, isDirectory: true) })
            let loaded = try World.load(from: directory)
            var report: [String: Any] = [:]
            func exists(_ component: String) -> Bool {
                FileManager.default.fileExists(atPath: directory.appending(path: component).path(percentEncoded: false))
            }
            let encoder = exists(WorldFolder.textEncoder)
                ? try TextEncoderLoader.load(directory: directory.appending(path: WorldFolder.textEncoder)) : nil
            if let encoder {
                let scores = try WorldEvaluation.encoderScores(world: loaded, encoder: encoder, limit: questions)
                report["encoder"] = try JSONSerialization.jsonObject(with: JSONEncoder().encode(scores))
            }
            let evaluator = exists(WorldFolder.evaluator)
                ? try ImageEvaluator.load(from: directory.appending(path: WorldFolder.evaluator), expectedSchema: EvaluatorRecipe.schema)
                : nil
            if let evaluator {
                report["evaluator"] = ["attribute_accuracy": try WorldEvaluation.evaluatorAccuracy(evaluator, count: renders)]
            }
            if let encoder, let evaluator, exists(QwenImagePipelineFolder.transformer) {
                let scores = try generatorOptions.scores(
                    world: loaded, directory: directory, encoder: encoder, evaluator: evaluator, progress: progress.reporter)
                report["generator"] = try JSONSerialization.jsonObject(with: JSONEncoder().encode(scores))
            }
            return report
        }
    }
}
