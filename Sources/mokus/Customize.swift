import ArgumentParser
import Foundation
import Generators
import MoKus

extension Mokus {
    /// `mokus customize`: MoKus end to end, concept images and knowledge in, a customised pipeline out.
    struct Customize: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Customise a generator with a concept and knowledge about it (MoKus stages 1 and 2).",
            discussion: """
                Stage 1 learns the concept images (--images) as the knowledge file's anchor with a DreamBooth LoRA \
                (the learn-concept options), or reuses --lora. Stage 2 edits the generator's text encoder with the \
                editor --hparams names (default: UltraEdit on the world's encoder), one edit per knowledge statement, \
                so that "What is <statement>?" answers the anchor. --out (a new folder, written atomically) is a \
                diffusers pipeline that `mokus generate --generator OUT` runs: the edited text_encoder/, the LoRA as \
                pytorch_lora_weights.safetensors (applied when the folder is loaded), the other components \
                hard-linked; plus report.md, metrics.json, grid.png and images/: every phrase in every --prompt \
                before (base), with the LoRA only, and customised, scored by the pipeline's evaluator/ when it has \
                one (the world's). See docs/mokus.md.
                """)

        @OptionGroup var model: GeneratorOptions
        @Option(help: ArgumentHelp("Folder of concept images (PNG or JPEG; every file must be one).", valueName: "dir"),
                completion: .directory)
        var images: String
        @Option(help: ArgumentHelp(
            "Knowledge file: the text format, KnowCusBench-style JSON, or question/answer JSON (docs/mokus.md).",
            valueName: "file"))
        var knowledge: String
        @Option(help: ArgumentHelp("New folder for the customised pipeline and its report.", valueName: "dir"))
        var out: String
        @Option(help: ArgumentHelp("Reuse this LoRA file instead of learning the concept.", valueName: "file"))
        var lora: String?
        @OptionGroup var learning: ConceptLearningOptions
        @Option(help: ArgumentHelp("Stage 1 checkpoint folder (default: none; resumed from when it holds checkpoints).",
                                   valueName: "dir"))
        var checkpoints: String?
        @OptionGroup var customization: CustomizationOptions
        @OptionGroup var output: JSONOutputOption
        @OptionGroup var progress: ProgressOptions
        @OptionGroup var memory: MemoryOptions

        func validate() throws {
            _ = try OutputPlan([.init(option: "--out", path: out, isFolder: true)])
        }

        func run() throws {
            memory.apply()
            let concepts = try ConceptKnowledge.read(contentsOf: URL(fileURLWithPath: knowledge))
            let pipeline = try model.pipeline()
            let concept: ConceptSource = lora.map { .file(URL(fileURLWithPath: $0)) }
                ?? .learn(learning.settings(
                    prompt: concepts[0].anchor, classSamplingSteps: try QwenImagePipelineFolder.defaults(of: pipeline).steps),
                          checkpoints: checkpoints.map { URL(fileURLWithPath: $0, isDirectory: true) })
            _ = try customization.run(
                pipeline: pipeline, encoderDirectory: model.encoderDirectory(pipeline: pipeline),
                images: URL(fileURLWithPath: images, isDirectory: true), knowledge: concepts, knowledgeFile: knowledge,
                concept: concept, defaultPrompts: CustomizationReportSettings.defaultPrompts,
                out: URL(fileURLWithPath: out, isDirectory: true), json: output.json, progress: progress.reporter)
        }
    }
}
