import ArgumentParser
import Foundation
import Generators
import MoKus
import TextEncoders
import Training

extension Mokus {
    /// `mokus learn-concept`: stage 1 of MoKus, a DreamBooth LoRA for an anchor prompt (docs/mokus.md).
    struct LearnConcept: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "learn-concept",
            abstract: "Learn a visual concept as a LoRA on the generator (DreamBooth-LoRA, MoKus stage 1).",
            discussion: """
                Trains rank-4 LoRA adapters on the image-stream attention projections (to_q, to_k, to_v, to_out.0) \
                of every block so that --prompt draws the concept of --images (PNG or JPEG, scaled and centre-cropped \
                to the generator's size), with the defaults of diffusers' train_dreambooth_lora_qwen_image.py as MoKus \
                ran it: AdamW 2e-4 (weight decay 1e-4, clipping 1), constant rate, batch 1, seed 42, 500 steps, σ \
                uniform, the rectified-flow velocity loss. Concept latents are encoded once. With --class-prompt, prior \
                preservation adds the loss on --class-images images the base generator draws. Checkpoints go to \
                --checkpoints (default: OUT.checkpoints) every --checkpoint-every steps; rerunning the same command \
                resumes from the newest one. --out is a diffusers/PEFT LoRA file that `mokus generate --lora` and \
                diffusers' load_lora_weights read.
                """)

        @OptionGroup var model: GeneratorOptions
        @Option(
            help: ArgumentHelp("Folder of concept images (PNG or JPEG; every file must be one).", valueName: "dir"),
            completion: .directory)
        var images: String
        @Option(help: "The anchor prompt the concept is bound to, e.g. \"sks star\".") var prompt: String
        @Option(help: ArgumentHelp("Output LoRA safetensors.", valueName: "file")) var out: String
        @OptionGroup var learning: ConceptLearningOptions
        @Option(help: ArgumentHelp("Image size, width×height (default: the pipeline's).", valueName: "WxH"))
        var size: ImageSize?
        @Option(
            help: ArgumentHelp(
                "Checkpoint folder (default: OUT.checkpoints); resumed from when it holds checkpoints.",
                valueName: "dir"), completion: .directory)
        var checkpoints: String?
        @OptionGroup var output: JSONOutputOption
        @OptionGroup var progress: ProgressOptions
        @OptionGroup var memory: MemoryOptions

        func validate() throws {
            guard !prompt.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("--prompt is empty.")
            }
            _ = try outputs()
        }

        /// --out, checked before training and removed when the run fails.
        private func outputs() throws -> OutputPlan { try OutputPlan([.init(option: "--out", path: out)]) }

        func run() throws {
            memory.apply()
            try outputs().run { _ in try learn() }
        }

        private func learn() throws {
            let pipeline = try model.pipeline()
            let generator = try QwenImageGenerator(directory: pipeline)
            let defaults = try QwenImagePipelineFolder.defaults(of: pipeline)
            let (width, height) = (size?.width ?? defaults.width, size?.height ?? defaults.height)
            let concept = try ConceptImages.read(
                folder: URL(fileURLWithPath: images, isDirectory: true), width: width, height: height)
            let prompts = PromptEncoder(
                encoder: try TextEncoderLoader.load(directory: model.encoderDirectory(pipeline: pipeline)),
                template: defaults.promptTemplate)

            let settings = learning.settings(prompt: prompt, classSamplingSteps: defaults.steps)
            let checkpointFolder = URL(fileURLWithPath: checkpoints ?? out + ".checkpoints", isDirectory: true)

            let result = try ConceptLearning.learn(
                generator: generator, baseFingerprint: try ConceptLearning.baseFingerprint(of: generator), prompts: prompts, images: concept,
                settings: settings, checkpointDirectory: checkpointFolder, progress: progress.reporter)
            try result.adapters.write(to: URL(fileURLWithPath: out))
            if output.json {
                try printJSON([
                    "output": out, "checkpoints": checkpointFolder.path(percentEncoded: false), "steps": result.step,
                    "resumed_from": result.resumedFrom,
                    "final_loss": result.losses.last.map { Double($0) as Any } ?? NSNull(),
                    "mean_loss_last_50": result.losses.isEmpty
                        ? NSNull()
                        : Double(result.losses.suffix(50).reduce(0, +)) / Double(min(50, result.losses.count)),
                    "instance_images": result.instanceImages, "class_images": result.classImages,
                    "trainable_parameters": result.trainableParameters, "rank": learning.rank, "alpha": Double(learning.alpha),
                    "size": "\(width)x\(height)", "seconds": result.seconds,
                ])
            } else {
                print(out)
            }
        }
    }
}
