import Foundation
import Generators
import KnowledgeEditing
import ModelIO
import ModelInterfaces
import Tensors
import TextEncoders
import Training

/// What `create-concept` and `erase` share: the pipeline, the editor and the report's settings.
public struct ApplicationInputs {
    /// The diffusers pipeline folder whose generator draws the report (its LoRA, if any, stays on).
    public var pipeline: URL
    /// The text encoder to edit (the pipeline's, usually).
    public var encoder: TransformerTextEncoder
    public var editor: any KnowledgeEditor
    /// The hparams text, stored with the edits.
    public var hyperparameters: String?
    /// Seeds, guidance and denoising steps of the report's images; its prompts are the command's.
    public var report: CustomizationReportSettings
    /// Reads the images' attributes; nil: images without scores.
    public var reader: (any ImageAttributeReader)?
    /// Pixel repetition in the report's grid.
    public var gridScale = 3

    public init(
        pipeline: URL, encoder: TransformerTextEncoder, editor: any KnowledgeEditor, hyperparameters: String?,
        report: CustomizationReportSettings, reader: (any ImageAttributeReader)?
    ) {
        (self.pipeline, self.encoder, self.editor, self.hyperparameters) = (pipeline, encoder, editor, hyperparameters)
        (self.report, self.reader) = (report, reader)
    }
}

/// One application run (`create-concept`, `erase`, `repair`):
///
/// 1. checks the edit requests against the editor and the report's size and steps against the
///    generator before anything is computed;
/// 2. draws every cell in the states that do not need the edit (the unedited pipeline first);
/// 3. measures the probes, edits (one edit per item of `edits`), measures the probes again;
/// 4. draws the edited states, scores every image with the reader, computes the figures, and
///    writes the report folder atomically (``ApplicationReport``, with `edits.safetensors` that
///    `mokus apply` replays): a failure leaves nothing.
struct ApplicationRun {
    /// A state the cells are drawn in.
    struct State {
        var name: String
        var description: String
        /// Drawn with the edited encoder (after the edit).
        var edited: Bool
        /// The negative prompt of true CFG; nil: the pipeline's.
        var negativePrompt: String?
        /// A baseline that replaces encoder parameters (Enc-FT): computed on the unedited encoder,
        /// installed while this state is drawn, then removed. Only for states not `edited`.
        var replacements: (() throws -> [NamedParameter])?
    }

    let inputs: ApplicationInputs
    let command: String
    let title: String
    /// The edits, in order, one each (``KnowledgeUpdate/items(_:queries:)``: every statement, in
    /// every query form, answers its anchor).
    let edits: [KnowledgeUpdate.Item]
    /// Questions that are not edited, measured before the edits and after them (repair: the
    /// corrected facts' paraphrases and the untouched facts).
    var probes: [KnowledgeUpdate.Item] = []
    /// The cells, scores not yet filled in.
    let cells: [ApplicationMetrics.Cell]
    let states: [State]

    /// Runs and writes `out`; `figures` turns the scored cells into the headline figures.
    func run(
        to out: URL, progress: (any ProgressReporter)?, figures: ([ApplicationMetrics.Cell]) -> [ApplicationMetrics.Figure]
    ) throws -> ApplicationMetrics {
        let start = Date()
        let generator = try QwenImageGenerator(directory: inputs.pipeline)
        let defaults = try QwenImagePipelineFolder.defaults(of: inputs.pipeline)
        let drawing = CustomizationDrawing(generator: generator, defaults: defaults, settings: inputs.report, scorer: nil)
        try drawing.check()
        try inputs.editor.check(edits.map(\.request), encoder: inputs.encoder)

        var images: [String: [Tensor]] = [:]
        var imageSeconds = 0.0
        func draw(edited: Bool) throws {
            let drawStart = Date()
            for state in states where state.edited == edited {
                let replaced = try state.replacements?() ?? []
                for parameter in replaced { try inputs.encoder.setParameter(parameter.name, parameter.value) }
                defer { for parameter in replaced { try? inputs.encoder.setParameter(parameter.name, nil) } }
                images[state.name] = try drawing.draw(
                    texts: cells.map(\.text), encoder: inputs.encoder,
                    negativePrompt: state.negativePrompt ?? defaults.negativePrompt, label: state.name, progress: progress)
            }
            imageSeconds += Date().timeIntervalSince(drawStart)
        }
        try draw(edited: false)
        let session = EditSession(encoder: inputs.encoder)
        let probesBefore = try KnowledgeUpdate.measure(probes.map(\.request), session: session)
        let editStart = Date()
        let update = try KnowledgeUpdate.run(edits, editor: inputs.editor, session: session)
        let editSeconds = Date().timeIntervalSince(editStart)
        let probesAfter = try KnowledgeUpdate.measure(probes.map(\.request), session: session)
        try draw(edited: true)

        let scored = try score(images)
        var metrics = ApplicationMetrics(
            command: command, editor: update.algorithm, states: states.map(\.name), stateDescriptions: states.map(\.description),
            seeds: inputs.report.seeds, guidance: Double(inputs.report.guidance), samplingSteps: drawing.generation.steps,
            update: update,
            probes: probes.isEmpty ? nil : KnowledgeUpdateReport(
                algorithm: update.algorithm, rows: KnowledgeUpdate.rows(probes, before: probesBefore, after: probesAfter),
                editSeconds: []),
            cells: scored, figures: inputs.reader == nil ? [] : figures(scored),
            seconds: ["edit": editSeconds, "images": imageSeconds])
        try AtomicDirectory.write(out) { staging in
            try EditFile.save(session, to: staging.appending(path: ApplicationMetrics.editsFile), hyperparameters: inputs.hyperparameters)
            metrics.seconds["total"] = Date().timeIntervalSince(start)
            try ApplicationReport(title: title, metrics: metrics, images: images, scale: inputs.gridScale).write(to: staging)
        }
        return metrics
    }

    /// Fills every cell's scores: the reader's predictions per image, compared with the cell's
    /// expected attributes and with the first state's image of the same seed.
    func score(_ images: [String: [Tensor]]) throws -> [ApplicationMetrics.Cell] {
        guard let reader = inputs.reader else { return cells }
        var predictions: [String: [[[String: String]]]] = [:]
        for state in states { predictions[state.name] = try (images[state.name] ?? []).map { try reader.predictedAttributes($0) } }
        return cells.enumerated().map { index, cell in
            var cell = cell
            let base = predictions[states[0].name]?[index] ?? []
            for state in states {
                guard let predicted = predictions[state.name]?[index], !predicted.isEmpty else { continue }
                func fraction(_ right: ([String: String], Int) -> Bool) -> Double {
                    Double(predicted.enumerated().filter { right($0.element, $0.offset) }.count) / Double(predicted.count)
                }
                cell.scores[state.name] = ApplicationMetrics.Scores(
                    attributes: Dictionary(uniqueKeysWithValues: cell.expected.map { attribute, expected in
                        (attribute, fraction { p, _ in p[attribute] == expected })
                    }),
                    everyAttribute: cell.expected.isEmpty ? nil : fraction { p, _ in cell.expected.allSatisfy { p[$0.key] == $0.value } },
                    sameAsBase: fraction { p, s in s < base.count && p == base[s] })
            }
            return cell
        }
    }
}
