import Evaluator
import Foundation
import Generators
import KnowledgeEditing
import ModelInterfaces
import Tensors
import TextEncoders
import Training

/// A KnowCusBench-style benchmark (`mokus bench knowcus`, reference A.2, A.8): for every concept
/// of a suite, every knowledge statement, every method, every prompt and every seed, one image,
/// scored by the image evaluator (``KnowCusScorer``).
///
/// Per concept the anchor LoRA is learnt once (``ConceptLearning``) and drawn with the anchor (the
/// reference row). Per statement, each method starts from the unedited pipeline, so statements
/// are independent units (``KnowCusUnit``) and a shard's records do not depend on the others:
/// MoKus edits a freshly loaded encoder with one request (the statement's query → the anchor), which
/// differs from `mokus customize`, where a concept's statements are edited one after the other.
public struct KnowCusBenchmark {
    /// The diffusers pipeline folder (its transformer; its LoRA file, if any, is not used).
    public var pipeline: URL
    /// Loads the unedited text encoder (called once per MoKus and Enc-FT item, and once for the rest).
    public var loadEncoder: () throws -> TransformerTextEncoder
    /// Scores the images (``KnowCusScorer``); nil: no scores, only images and timings.
    public var evaluator: ImageEvaluator?
    public var methods: [KnowCusMethod]
    public var settings: KnowCusSettings

    public init(
        pipeline: URL, loadEncoder: @escaping () throws -> TransformerTextEncoder, evaluator: ImageEvaluator?,
        methods: [KnowCusMethod], settings: KnowCusSettings
    ) {
        (self.pipeline, self.loadEncoder, self.evaluator, self.methods, self.settings) =
            (pipeline, loadEncoder, evaluator, methods, settings)
    }

    /// What identifies this run of `suite` (equal in every shard).
    public func info(_ suite: KnowCusSuite) throws -> KnowCusRunInfo {
        KnowCusRunInfo(
            suite: suite.name,
            concepts: suite.concepts.map {
                .init(name: $0.name, anchor: $0.anchor, images: $0.images.shape[0], exactMasks: $0.masks != nil,
                      knowledge: $0.knowledge, prompts: $0.prompts,
                      visualCheckpoint: $0.visualCheckpoint.map { $0.pathComponents.suffix(3).joined(separator: "/") },
                      unknownKeys: $0.unknownKeys.isEmpty ? nil : $0.unknownKeys)
            },
            methods: [KnowCusMethod.anchorReference] + methods.map(\.name), seeds: settings.seeds,
            guidance: settings.guidance,
            samplingSteps: try settings.samplingSteps ?? QwenImagePipelineFolder.defaults(of: pipeline).steps,
            loraSteps: settings.learning.training.steps, loraLearningRate: settings.learning.training.learningRate,
            loraRank: settings.learning.rank, encoderTuningSteps: settings.encoderTuning.steps,
            encoderTuningLearningRate: settings.encoderTuning.learningRate, queryTemplate: settings.query.template,
            chatTemplate: settings.query.chatTemplate.rawValue, eta: etaRows)
    }

    /// Method name → η of the η ablation's rows; nil when there are none.
    var etaRows: [String: Double]? {
        let rows = methods.compactMap { method -> (String, Double)? in
            guard case .mokus(_, let eta?, _) = method else { return nil }
            return (method.name, eta)
        }
        return rows.isEmpty ? nil : Dictionary(rows) { first, _ in first }
    }

    /// Runs the units of `shard`: its records and timings, and the first seed's images (for the grids).
    ///
    /// - Throws: ``MoKusError/invalidSuite(field:expected:found:)``, and the errors of the generator,
    ///   the editors, training and the evaluator (typed, per module).
    public func run(_ suite: KnowCusSuite, shard: KnowCusShard = .whole, progress: (any ProgressReporter)? = nil)
        throws -> KnowCusShardOutput
    {
        try suite.validate()
        let info = try info(suite)
        let generator = try QwenImageGenerator(directory: pipeline)
        generator.transformer.lora = nil
        let defaults = try QwenImagePipelineFolder.defaults(of: pipeline)
        let baseEncoder = try loadEncoder()
        let units = shard.units(of: suite)
        var output = KnowCusShardOutput(
            result: KnowCusShardResult(info: info, shard: shard, units: units, records: [], timings: []), images: KnowCusImages())
        for (c, conceptUnits) in Dictionary(grouping: units, by: \.concept).sorted(by: { $0.key < $1.key }) {
            let concept = suite.concepts[c]
            var report = try CustomizationReportSettings(prompts: concept.prompts.map(\.template), seeds: settings.seeds)
            (report.guidance, report.samplingSteps) = (settings.guidance, settings.samplingSteps)
            let drawing = CustomizationDrawing(generator: generator, defaults: defaults, settings: report, scorer: nil)
            try drawing.check()
            let context = ConceptRun(
                benchmark: self, concept: concept, index: c, generator: generator, drawing: drawing,
                scorer: try evaluator.map { try KnowCusScorer(evaluator: $0, concept: concept.images, masks: concept.masks) },
                baseEncoder: baseEncoder, progress: progress)
            output.images.addConcept(c, images: concept.images, count: concept.prompts.count)
            let anchor = try context.anchorLoRA()
            for unit in conceptUnits {
                try context.run(unit, anchor: anchor, into: &output)
            }
        }
        return output
    }
}

/// One concept's part of a run: learning, drawing and scoring its phrases.
struct ConceptRun {
    let benchmark: KnowCusBenchmark
    let concept: KnowCusConcept
    let index: Int
    let generator: QwenImageGenerator
    let drawing: CustomizationDrawing
    let scorer: KnowCusScorer?
    let baseEncoder: TransformerTextEncoder
    let progress: (any ProgressReporter)?

    /// The anchor LoRA and its seconds: the concept's visual checkpoint when it has one (loaded), else learnt.
    func anchorLoRA() throws -> (lora: LoRAOverlay, seconds: Double) {
        guard let file = concept.visualCheckpoint else { return try learn(concept.anchor) }
        let start = Date()
        let lora = try LoRAOverlay(contentsOf: file, modules: generator.transformer.linearShapes)
        return (lora, Date().timeIntervalSince(start))
    }

    /// A DreamBooth LoRA learnt from the concept images with `prompt`, and its seconds.
    func learn(_ prompt: String) throws -> (lora: LoRAOverlay, seconds: Double) {
        var settings = benchmark.settings.learning
        settings.prompt = prompt
        generator.transformer.lora = nil
        let start = Date()
        let result = try ConceptLearning.learn(
            generator: generator, baseFingerprint: try ConceptLearning.baseFingerprint(of: generator),
            prompts: PromptEncoder(encoder: baseEncoder, template: drawing.defaults.promptTemplate),
            images: concept.images * 2 - 1, settings: settings, checkpointDirectory: nil, progress: progress)
        return (result.adapters, Date().timeIntervalSince(start))
    }

    /// The anchor reference (statement nil) or every method on one statement.
    func run(_ unit: KnowCusUnit, anchor: (lora: LoRAOverlay, seconds: Double), into output: inout KnowCusShardOutput) throws {
        func add(_ method: String, phrase: String, lora: LoRAOverlay, encoder: TransformerTextEncoder, seconds: Double) throws {
            output.result.records += try records(method, unit: unit, phrase: phrase, lora: lora, encoder: encoder, images: &output.images)
            output.result.timings.append(.init(method: method, concept: index, statement: unit.statement, seconds: seconds))
        }
        guard let k = unit.statement else {
            return try add(KnowCusMethod.anchorReference, phrase: concept.anchor, lora: anchor.lora, encoder: baseEncoder,
                           seconds: anchor.seconds)
        }
        let statement = concept.knowledge[k].text
        for method in benchmark.methods {
            switch method {
            case .mokus(_, _, let make):
                let encoder = try benchmark.loadEncoder()
                let update = try KnowledgeUpdate.run(
                    [ConceptKnowledge(concept: concept.name, anchor: concept.anchor, knowledge: [statement])],
                    query: benchmark.settings.query, editor: try make(encoder), session: EditSession(encoder: encoder))
                try add(method.name, phrase: statement, lora: anchor.lora, encoder: encoder, seconds: update.editSeconds.reduce(0, +))
            case .naiveDreamBooth:
                let own = try learn(statement)
                try add(method.name, phrase: statement, lora: own.lora, encoder: baseEncoder, seconds: own.seconds)
            case .encoderFineTuning:
                let encoder = try benchmark.loadEncoder()
                let seconds = try fineTune(encoder, statement: statement)
                try add(method.name, phrase: statement, lora: anchor.lora, encoder: encoder, seconds: seconds)
            }
        }
    }

    /// Enc-FT: every weight of `encoder` trained on "query + target" (``KnowCusMethod/encoderFineTuning``); its seconds.
    func fineTune(_ encoder: TransformerTextEncoder, statement: String) throws -> Double {
        let start = Date()
        let text = benchmark.settings.query.prompt(for: statement) + KnowledgeQuery.target(anchor: concept.anchor)
        let objective = try CausalLanguageModelObjective(encoder: encoder, examples: [try encoder.tokenize(text)])
        let trained = try Trainer(configuration: benchmark.settings.encoderTuning).train(
            parameters: try objective.initialParameters(), objective: objective)
        try objective.install(trained.parameters.map(\.value))
        return Date().timeIntervalSince(start)
    }

    /// Draws `phrase` in every prompt (one image per seed), keeps the first seed's images and scores them all.
    func records(
        _ method: String, unit: KnowCusUnit, phrase: String, lora: LoRAOverlay, encoder: TransformerTextEncoder,
        images kept: inout KnowCusImages
    ) throws -> [KnowCusRecord] {
        generator.transformer.lora = lora
        defer { generator.transformer.lora = nil }
        let images = try drawing.draw([phrase], encoder: encoder, label: "\(method): \(phrase)", progress: progress)
        let names = [KnowCusMethod.anchorReference] + benchmark.methods.map(\.name)
        return try concept.prompts.enumerated().map { q, prompt in
            kept.add(images[q], concept: index, statement: unit.statement, method: names.firstIndex(of: method) ?? 0, prompt: q)
            let scores = try scorer?.scores(images[q], prompt: prompt)
            return KnowCusRecord(
                method: method, concept: index, statement: unit.statement, prompt: q, kind: prompt.kind,
                text: CustomizationReportSettings.text(prompt.template, phrase: phrase), similarity: scores?.similarity,
                segmentedSimilarity: scores?.segmentedSimilarity, alignment: scores?.alignment,
                attributeAccuracy: scores?.attributeAccuracy)
        }
    }
}
