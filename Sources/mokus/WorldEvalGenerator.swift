import ArgumentParser
import Evaluator
import Foundation
import Generators
import Imaging
import KnowledgeEditing
import ModelInterfaces
import World

/// The options of `mokus world eval`'s generator measurements (docs/world.md, "Generator").
struct GeneratorEvaluationOptions: ParsableArguments {
    @Option(help: "Generator: images per prompt (initial-noise seeds).") var seeds = 4
    @Option(help: "Generator: classifier-free guidance scale (1: none).") var guidance: Float = 4
    @Option(help: "Generator: score at most this many prompts of each set (default: all).") var prompts: Int?
    @Option(help: "Generator: edits of held-out facts per editor for edit transfer (0: none).") var edits = 8
    @Option(help: ArgumentHelp(
        "Generator: hparams of an editor whose edits are measured; repeatable (default: hparams/UltraEdit/world.yaml "
            + "and hparams/ROME/world.yaml).", valueName: "file"))
    var editHparams: [String] = []
    @Option(help: ArgumentHelp(
        "Generator: also write a PNG sheet here: per set, --grid-prompts rows of the prompt's render and its images.",
        valueName: "file"))
    var grid: String?
    @Option(help: "Generator: prompts per set on the --grid sheet.") var gridPrompts = 6

    static let defaultEditors = ["hparams/UltraEdit/world.yaml", "hparams/ROME/world.yaml"]
    /// Unrelated prompts checked for preservation after each edit.
    static let unrelatedPrompts = 20

    func validate() throws {
        guard (1...64).contains(seeds) else { throw ValidationError("--seeds must be in 1...64, found \(seeds).") }
        guard guidance >= 1 else { throw ValidationError("--guidance must be at least 1, found \(guidance).") }
        if let prompts, prompts < 1 { throw ValidationError("--prompts must be at least 1, found \(prompts).") }
        guard edits >= 0 else { throw ValidationError("--edits must be at least 0, found \(edits).") }
        guard gridPrompts >= 1 else { throw ValidationError("--grid-prompts must be at least 1, found \(gridPrompts).") }
    }

    /// Scores the pipeline in the world folder `directory` (its transformer and text encoder) with
    /// `evaluator`, then the edits of each editor.
    func scores(
        world: World, directory: URL, encoder: any TextEncoder, evaluator: ImageEvaluator,
        progress: (any ProgressReporter)?
    ) throws -> WorldEvaluation.GeneratorScores {
        let probing = GeneratorProbing(
            generator: try QwenImageGenerator(directory: directory), evaluator: evaluator,
            defaults: try QwenImagePipelineFolder.defaults(of: directory), guidance: guidance, repetitions: seeds)
        var phase = ""
        var scores = try WorldEvaluation.generatorScores(world: world, probing: probing, encoder: encoder, limit: prompts) {
            set, done in
            if set != phase { progress?.end(); progress?.begin("generating \(set)", total: nil); phase = set }
            progress?.update(completed: done, detail: "\(done) images")
        }
        progress?.end()
        if let grid { try writeSheet(world: world, probing: probing, encoder: encoder, to: URL(fileURLWithPath: grid)) }
        guard edits > 0 else { return scores }
        let cases = try world.generatorEditCases(count: edits)
        let unrelated = world.unrelatedProbes(count: Self.unrelatedPrompts, excluding: Set(cases.map(\.fact.entity)))
        for path in editHparams.isEmpty ? Self.defaultEditors : editHparams {
            let file = try HyperparameterFile(contentsOf: URL(fileURLWithPath: path))
            let settings = try file.decode(RunSettings.self, keys: file.keys.map(\.name))
            // Silent: the editor's phases would interrupt this command's "… edits" phase.
            let editor = try EditingOptions.editor(for: file, settings: settings, encoder: encoder, progress: nil)
            let session = EditSession(encoder: encoder)
            progress?.begin("\(file.algorithmName) edits", total: cases.count)
            let result = try WorldEvaluation.editScores(
                cases: cases, unrelated: unrelated, probing: probing, encoder: encoder,
                edit: { record, measure in
                    let request = try EditRequestFile(data: JSONEncoder().encode([record]), path: path).requests[0]
                    try session.apply(editor, requests: [request])
                    do { try measure() } catch { try session.undo(); throw error }
                    try session.undo()
                },
                progress: { progress?.update(completed: $0, detail: nil) })
            progress?.end()
            scores.record(result, editor: file.algorithmName)
        }
        return scores
    }

    /// The --grid sheet: the first --grid-prompts prompts of each set, sets one below the other.
    func writeSheet(world: World, probing: GeneratorProbing, encoder: any TextEncoder, to url: URL) throws {
        let sets: [CaptionSet] = [.heldOutDirect, .captionedEntities, .heldOutEntities]
        let probes = sets.flatMap { world.captions($0, count: gridPrompts).map(GeneratorProbe.init) }
        try PNGCodec.write(try probing.sheet(probes, encoder: encoder), to: url)
    }
}
