import Foundation
import Generators
import KnowledgeEditing
import ModelIO
import ModelInterfaces
import Tensors
import TextEncoders

/// MoKus end to end (`mokus customize`, `mokus demo`): concept images and knowledge in, a
/// customised pipeline folder and its report out.
///
/// 1. Checks everything that can be checked before computing: one anchor in the knowledge, the
///    concept images (``ConceptImages/read(folder:width:height:)``), every edit request against
///    the editor (`check`), the report's size and steps against the generator, a reused LoRA
///    against the generator.
/// 2. Stage 1: ``ConceptLearning/learn(generator:baseFingerprint:prompts:images:settings:checkpointDirectory:stopAfter:progress:)``
///    with the anchor as prompt, or the reused LoRA.
/// 3. Draws every phrase (the anchor, then each statement) in every report prompt with the base
///    pipeline and with the LoRA (the encoder still unedited).
/// 4. Stage 2: ``KnowledgeUpdate/run(_:query:editor:session:)``, one edit per statement.
/// 5. Draws them again customised, scores every image (when a scorer is given) and writes the
///    folder (``CustomizedPipeline``, ``CustomizationReport``) atomically: a failure leaves nothing.
public enum Customization {
    /// What a customisation needs.
    public struct Inputs {
        /// The diffusers pipeline folder to customise (its LoRA file, if any, is replaced, not stacked).
        public var pipeline: URL
        /// The concept image folder.
        public var images: URL
        public var knowledge: [ConceptKnowledge]
        /// The knowledge file's path, for errors.
        public var knowledgeFile: String
        /// Stage 1; the learning settings' prompt is replaced by the anchor.
        public var concept: ConceptSource
        public var editor: any KnowledgeEditor
        /// The pipeline's text encoder, which stage 2 edits and the report's prompts are encoded with.
        public var encoder: TransformerTextEncoder
        /// The hparams text, stored with the edits.
        public var hyperparameters: String?
        public var query: KnowledgeQuery
        public var report: CustomizationReportSettings
        /// Makes the scorer from the concept images (`[M, 3, H, W]` in [0, 1]); nil: no scores.
        public var scorer: ((Tensor) throws -> any ConceptImageScorer)?
        /// Pixel repetition in the report's grid.
        public var gridScale = 3

        public init(
            pipeline: URL, images: URL, knowledge: [ConceptKnowledge], knowledgeFile: String, concept: ConceptSource,
            editor: any KnowledgeEditor, encoder: TransformerTextEncoder, hyperparameters: String?, query: KnowledgeQuery,
            report: CustomizationReportSettings, scorer: ((Tensor) throws -> any ConceptImageScorer)?
        ) {
            (self.pipeline, self.images, self.knowledge, self.knowledgeFile, self.concept) = (pipeline, images, knowledge, knowledgeFile, concept)
            (self.editor, self.encoder, self.hyperparameters, self.query) = (editor, encoder, hyperparameters, query)
            (self.report, self.scorer) = (report, scorer)
        }
    }

    /// Customises `inputs.pipeline` into the new folder `out` (replaced atomically if it exists).
    ///
    /// - Throws: ``MoKusError`` (several anchors, image folder errors), ``Generators/GeneratorError``
    ///   (a LoRA for another generator, a rank that disagrees with itself or its metadata), the
    ///   editor's check and edit errors, ``Training/TrainingError``, ``ModelIO/ModelIOError`` when
    ///   writing fails; nothing is written then.
    public static func run(_ inputs: Inputs, to out: URL, progress: (any ProgressReporter)? = nil) throws -> CustomizationMetrics {
        let start = Date()
        let anchors = inputs.knowledge.map(\.anchor).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        guard anchors.count == 1, let anchor = anchors.first else {
            throw MoKusError.severalAnchors(file: inputs.knowledgeFile, anchors: anchors)
        }
        let generator = try QwenImageGenerator(directory: inputs.pipeline)
        generator.transformer.lora = nil
        let defaults = try QwenImagePipelineFolder.defaults(of: inputs.pipeline)
        let concept = try ConceptImages.read(folder: inputs.images, width: defaults.width, height: defaults.height)
        try inputs.editor.check(KnowledgeUpdate.requests(inputs.knowledge, query: inputs.query), encoder: inputs.encoder)
        let scorer = try inputs.scorer?(concept * 0.5 + 0.5)
        let drawing = CustomizationDrawing(generator: generator, defaults: defaults, settings: inputs.report, scorer: scorer)
        try drawing.check()

        var stage1 = CustomizationMetrics.Stage1(source: "learned", seconds: 0)
        let stage1Start = Date()
        let lora: LoRAOverlay
        switch inputs.concept {
        case .file(let url):
            lora = try LoRAOverlay(contentsOf: url, modules: generator.transformer.linearShapes)
            stage1.source = url.path(percentEncoded: false)
        case .learn(var settings, let checkpoints):
            settings.prompt = anchor
            let result = try ConceptLearning.learn(
                generator: generator, baseFingerprint: try ConceptLearning.baseFingerprint(of: generator),
                prompts: PromptEncoder(encoder: inputs.encoder, template: defaults.promptTemplate), images: concept,
                settings: settings, checkpointDirectory: checkpoints, progress: progress)
            lora = result.adapters
            (stage1.steps, stage1.finalLoss) = (result.step, result.losses.last.map(Double.init))
        }
        stage1.seconds = Date().timeIntervalSince(stage1Start)

        let phrases = [anchor] + inputs.knowledge.flatMap(\.knowledge)
        var images: [CustomizationState: [Tensor]] = [:]
        var imageSeconds = 0.0
        func draw(_ state: CustomizationState) throws {
            let drawStart = Date()
            generator.transformer.lora = state == .base ? nil : lora
            images[state] = try drawing.draw(phrases, encoder: inputs.encoder, label: state.rawValue, progress: progress)
            imageSeconds += Date().timeIntervalSince(drawStart)
        }
        try draw(.base)
        try draw(.concept)

        let stage2Start = Date()
        let session = EditSession(encoder: inputs.encoder)
        let update = try KnowledgeUpdate.run(
            inputs.knowledge, query: inputs.query, editor: inputs.editor, session: session)
        let stage2Seconds = Date().timeIntervalSince(stage2Start)
        try draw(.customized)

        var metrics = try CustomizationMetrics(
            concept: inputs.knowledge[0].concept, anchor: anchor, knowledge: Array(phrases.dropFirst()),
            editor: update.algorithm, prompts: inputs.report.prompts, seeds: inputs.report.seeds,
            guidance: Double(inputs.report.guidance), samplingSteps: drawing.generation.steps, stage1: stage1,
            stage2: .init(update: update, seconds: stage2Seconds,
                          secondsPerItem: update.editSeconds.reduce(0, +) / Double(max(1, update.editSeconds.count))),
            cells: cells(phrases: phrases, drawing: drawing, images: images),
            seconds: ["stage1": stage1.seconds, "stage2": stage2Seconds, "images": imageSeconds])
        summarise(&metrics)
        try AtomicDirectory.write(out) { staging in
            try CustomizedPipeline.write(
                into: staging, source: inputs.pipeline, encoder: inputs.encoder, session: session,
                hyperparameters: inputs.hyperparameters, lora: lora)
            metrics.seconds["total"] = Date().timeIntervalSince(start)
            try CustomizationReport(metrics: metrics, conceptImages: concept * 0.5 + 0.5, images: images, scale: inputs.gridScale)
                .write(to: staging)
        }
        return metrics
    }

    /// One cell per phrase and prompt, scored in every state.
    static func cells(
        phrases: [String], drawing: CustomizationDrawing, images: [CustomizationState: [Tensor]]
    ) throws -> [CustomizationMetrics.Cell] {
        var cells: [CustomizationMetrics.Cell] = []
        for (p, phrase) in phrases.enumerated() {
            for (q, prompt) in drawing.settings.prompts.enumerated() {
                let requested = drawing.scorer?.requestedAttributes(prompt.replacingOccurrences(of: "{}", with: " ")) ?? [:]
                var scores: [String: CustomizationMetrics.Scores] = [:]
                for state in CustomizationState.allCases {
                    if let batch = images[state]?[p * drawing.settings.prompts.count + q] {
                        scores[state.rawValue] = try drawing.scores(batch, requested: requested)
                    }
                }
                cells.append(.init(
                    phrase: phrase, kind: p == 0 ? "anchor" : "knowledge", prompt: prompt,
                    text: CustomizationReportSettings.text(prompt, phrase: phrase), requestedAttributes: requested, scores: scores))
            }
        }
        return cells
    }

    /// Fills the acceptance figures of stage 1 and 2 from the cells: similarities over prompts
    /// without a requested context, context accuracy over prompts with one.
    static func summarise(_ metrics: inout CustomizationMetrics) {
        func mean(_ kind: String, _ state: CustomizationState, context: Bool, _ value: (CustomizationMetrics.Scores) -> Double?) -> Double? {
            metrics.cells.filter { $0.kind == kind && $0.requestedAttributes.isEmpty != context }
                .compactMap { $0.scores[state.rawValue].flatMap(value) }.mean
        }
        metrics.stage1.similarityWithLora = mean("anchor", .concept, context: false, \.similarity)
        metrics.stage1.similarityWithoutLora = mean("anchor", .base, context: false, \.similarity)
        metrics.stage2.anchorSimilarity = mean("anchor", .customized, context: false, \.similarity)
        metrics.stage2.knowledgeSimilarity = mean("knowledge", .customized, context: false, \.similarity)
        metrics.stage2.knowledgeSimilarityUnedited = mean("knowledge", .concept, context: false, \.similarity)
        if let anchor = metrics.stage2.anchorSimilarity, let knowledge = metrics.stage2.knowledgeSimilarity {
            metrics.stage2.similarityGap = anchor - knowledge
        }
        metrics.stage2.knowledgeContextAccuracy = mean("knowledge", .customized, context: true, \.contextAccuracy)
        metrics.stage2.anchorContextAccuracy = mean("anchor", .customized, context: true, \.contextAccuracy)
    }
}
