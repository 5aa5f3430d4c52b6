import ArgumentParser
import Foundation
import Generators
import Imaging
import ModelInterfaces
import ModelIO
import Tensors
import TextEncoders

extension Mokus {
    /// `mokus generate`: text-to-image sampling with a Qwen-Image-architecture generator.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw an image from a prompt with a Qwen-Image-architecture generator.",
            discussion: """
                --generator is a diffusers pipeline folder (transformer/, vae/, scheduler/); the prompt is \
                encoded by the text encoder checkpoint --encoder (possibly edited; default: the pipeline's \
                text_encoder/, with its tokenizer/) through Qwen-Image's prompt template. To reproduce \
                another implementation's run exactly, pass its prompt embeddings (--prompt-embeds: \
                safetensors with prompt_embeds, optional prompt_embeds_mask, \
                negative_prompt_embeds, negative_prompt_embeds_mask; masks in any integer, bool or float \
                type, as diffusers saves them) and initial noise (--init-latents: safetensors holding one \
                packed [1, tokens, channels] tensor, or one named "latents" or "initial_latents"). \
                True classifier-free guidance runs only with a negative prompt (--negative-prompt, else the \
                pipeline's model_index.json _negative_prompt) and --guidance > 1 (--guidance 1 turns it off). \
                See docs/generation.md.
                """)

        @OptionGroup var model: GeneratorOptions
        @Option(help: "The prompt.") var prompt: String?
        @Option(help: "Negative prompt (enables true classifier-free guidance; default: the pipeline's, else none).")
        var negativePrompt: String?
        @Option(help: "Seed of the initial noise.") var seed: UInt64 = 0
        @Option(parsing: .unconditional, help: "Denoising steps (default: the pipeline's, else 50; at most 10000).") var steps: Int?
        @Option(help: ArgumentHelp("Image size, width×height (default: the pipeline's, else 1024×1024).", valueName: "WxH"))
        var size: ImageSize?
        @Option(parsing: .unconditional, help: "True classifier-free guidance scale (Qwen-Image's true_cfg_scale; 0...100).")
        var guidance: Float = 4
        @Option(help: "Most prompt tokens after the template (diffusers' max_sequence_length; at most 1024).")
        var maxSequenceLength = 512
        @Option(help: ArgumentHelp("LoRA safetensors for the transformer (diffusers/PEFT naming).", valueName: "file"))
        var lora: String?
        @Option(help: ArgumentHelp("Initial packed latents (safetensors), instead of --seed.", valueName: "file"))
        var initLatents: String?
        @Option(help: ArgumentHelp("Prompt embeddings (safetensors), instead of --encoder/--prompt.", valueName: "file"))
        var promptEmbeds: String?
        @Option(help: ArgumentHelp("Write the final packed latents here (safetensors, \"latents\").", valueName: "file"))
        var saveLatents: String?
        @Option(help: ArgumentHelp("Output PNG.", valueName: "file")) var out = "image.png"
        @OptionGroup var progress: ProgressOptions
        @OptionGroup var memory: MemoryOptions

        func validate() throws {
            if promptEmbeds == nil && prompt == nil {
                throw ValidationError("Give --prompt (with --encoder, or the generator's text_encoder/), or --prompt-embeds.")
            }
            if promptEmbeds != nil && (model.encoder != nil || prompt != nil || negativePrompt != nil) {
                throw ValidationError("--prompt-embeds replaces --encoder, --prompt and --negative-prompt; give one or the other.")
            }
            guard (1...1024).contains(maxSequenceLength) else {
                throw ValidationError("--max-sequence-length must be in 1...1024, found \(maxSequenceLength).")
            }
            try ArgumentChecks.check("--steps", steps, in: 1...10_000)
            try ArgumentChecks.check("--guidance", guidance, in: 0...100)
            _ = try outputs()
        }

        /// --out and --save-latents, checked before sampling; removed when the run fails.
        private func outputs() throws -> OutputPlan {
            try OutputPlan([.init(option: "--out", path: out), saveLatents.map { .init(option: "--save-latents", path: $0) }])
        }

        func run() throws {
            memory.apply()
            try outputs().run { _ in try generate() }
        }

        /// Samples, decodes, then writes the latents and the image(s): nothing is written before
        /// decoding succeeds.
        private func generate() throws {
            let pipeline = try model.pipeline()
            let generator = try QwenImageGenerator(directory: pipeline)
            let defaults = try QwenImagePipelineFolder.defaults(of: pipeline)
            if let lora { try generator.transformer.loadLoRA(from: URL(fileURLWithPath: lora)) }
            let (prompt, negative) = try conditioning(
                pipeline: pipeline, template: defaults.promptTemplate, negativePrompt: defaults.negativePrompt)
            var settings = GenerationSettings(
                width: size?.width ?? defaults.width, height: size?.height ?? defaults.height,
                steps: steps ?? defaults.steps, seed: seed, guidanceScale: guidance)
            settings.initialLatents = try initLatents.map {
                try Self.singleTensor(in: $0, preferring: ["latents", "initial_latents"])
            }

            let sampling = try generator.startSampling(prompt: prompt, negativePrompt: negative, settings: settings)
            let reporter = progress.reporter
            reporter?.begin("denoising", total: sampling.stepCount)
            while let step = try sampling.next() {
                reporter?.update(completed: step.index + 1, detail: String(format: "σ %.3f", step.nextSigma))
            }
            reporter?.end()
            let images = try generator.decode(sampling.latents, settings: settings)
            if let saveLatents {
                try SafetensorsWriter.write(["latents": sampling.latents], to: URL(fileURLWithPath: saveLatents))
            }
            let outURL = URL(fileURLWithPath: out)
            for b in 0..<images.shape[0] {
                let url = images.shape[0] == 1 ? outURL : Self.numbered(outURL, b)
                try PNGCodec.write(try Image(tensor: images.slice(axis: 0, b..<(b + 1)).reshaped(Array(images.shape.dropFirst())),
                                             range: .zeroToOne), to: url)
                print(url.path(percentEncoded: false))
            }
        }

        /// Prompt and negative prompt embeddings, from the encoder or from --prompt-embeds.
        private func conditioning(
            pipeline: URL, template pipelineTemplate: PromptTemplate, negativePrompt pipelineNegativePrompt: String?
        ) throws -> (PromptEmbeddings, PromptEmbeddings?) {
            if let promptEmbeds {
                let file = try SafetensorsFile(url: URL(fileURLWithPath: promptEmbeds))
                func embeddings(_ name: String) throws -> PromptEmbeddings? {
                    guard file.contains(name) else { return nil }
                    let values = try file.tensor(named: name)
                    let maskName = name + "_mask"
                    return file.contains(maskName)
                        ? PromptEmbeddings(embeddings: values, mask: try file.numericTensor(named: maskName))
                        : PromptEmbeddings(embeddings: values)
                }
                guard let prompt = try embeddings("prompt_embeds") else {
                    throw GeneratorError.invalidInput(
                        name: promptEmbeds, expected: "a tensor named prompt_embeds", found: "\(file.names)")
                }
                return (prompt, try embeddings("negative_prompt_embeds"))
            }
            guard let prompt else { throw ValidationError("Give --prompt or --prompt-embeds.") }
            var template = pipelineTemplate
            template.maximumLength = maxSequenceLength
            let encoder = PromptEncoder(
                encoder: try TextEncoderLoader.load(directory: model.encoderDirectory(pipeline: pipeline)), template: template)
            let negative = negativePrompt ?? pipelineNegativePrompt
            return (try encoder.encode([prompt]), try negative.map { try encoder.encode([$0]) })
        }

        /// The tensor of a one-tensor safetensors file, or its first tensor named one of `names`.
        static func singleTensor(in path: String, preferring names: [String]) throws -> Tensor {
            let file = try SafetensorsFile(url: URL(fileURLWithPath: path))
            if let name = names.first(where: file.contains) { return try file.tensor(named: name) }
            guard file.names.count == 1 else {
                let named = names.map { "\"\($0)\"" }.joined(separator: " or ")
                throw GeneratorError.invalidInput(name: path, expected: "one tensor, or one named \(named)", found: "\(file.names)")
            }
            return try file.tensor(named: file.names[0])
        }

        /// `image.png` → `image-1.png` for the second image of a batch.
        static func numbered(_ url: URL, _ index: Int) -> URL {
            let stem = url.deletingPathExtension().lastPathComponent
            return url.deletingLastPathComponent().appending(path: "\(stem)-\(index).\(url.pathExtension)")
        }
    }
}

/// `WxH` on the command line.
struct ImageSize: ExpressibleByArgument, Equatable {
    var width: Int
    var height: Int

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// The largest side accepted (what the generator would allocate is checked against the
    /// memory budget before sampling).
    static let maximumSide = 16_384

    init?(argument: String) {
        let parts = argument.lowercased().split(separator: "x")
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]),
              (1...Self.maximumSide).contains(width), (1...Self.maximumSide).contains(height) else {
            return nil
        }
        self.init(width: width, height: height)
    }

    var defaultValueDescription: String { "\(width)x\(height)" }
}
