import Foundation
import Generators
import KnowledgeEditing
import ModelIO
import ModelInterfaces
import Tensors
import TextEncoders
import World

/// World-generator rows: images/s of `mokus generate`'s sampling path on a pixel-space world
/// pipeline (``QwenImageGenerator`` with the pipeline's own size, steps and negative prompt, true
/// CFG at guidance 4, prompts through ``PromptEncoder`` and the pipeline's text encoder), beside
/// diffusers' `QwenImagePipeline` on the same checkpoint from the same prompt embeddings and initial
/// noise (References/diffusers_world_sampling.py), at batch 1 and 16; both sides' images are
/// compared before the timings. Then the end-to-end wall time of one `mokus generate` process
/// (prompt → PNG), when the `mokus` binary sits beside this one.
///
/// The pipeline is `--world-pipeline DIR`, else the bundled world once it has `transformer/`.
/// Timings are medians of 3 calls after a warm-up at batch 1, one call after a warm-up at batch 16.
enum WorldGeneratorBenchmark {
    static let batchSizes = [1, 16]
    static let (guidance, repeats): (Float, Int) = (4, 3)

    static func repeats(batch: Int) -> Int { batch == 1 ? repeats : 1 }
    static let fallbackPrompt = "a small red striped star on a blue background"

    /// `given`, else the bundled world folder when it holds a generator; nil when there is none.
    static func pipeline(_ given: URL?) -> URL? {
        if let given { return given }
        let bundled = MokusBench.repositoryRoot.appending(path: "Sources/World/Resources/world")
        let transformer = bundled.appending(path: QwenImagePipelineFolder.transformer).path(percentEncoded: false)
        return FileManager.default.fileExists(atPath: transformer) ? bundled : nil
    }

    static func run(pipeline given: URL?, directory: URL, torchReference: Bool) throws -> [String] {
        guard let folder = pipeline(given) else {
            return ["world generator: skipped (the bundled world has no transformer/ yet; pass --world-pipeline DIR)"]
        }
        let generator = try QwenImageGenerator(directory: folder)
        let defaults = try QwenImagePipelineFolder.defaults(of: folder)
        let encoder = PromptEncoder(
            encoder: try TextEncoderLoader.load(directory: folder.appending(path: "text_encoder")),
            template: defaults.promptTemplate)
        let negative = defaults.negativePrompt ?? ""
        let prompts = try worldPrompts(folder, count: batchSizes.max()!)
        let encodeSeconds = try Measure.medianSeconds(repeats: repeats, warmUp: 1) {
            _ = try encoder.encode([prompts[0]])
            _ = try encoder.encode([negative])
        }
        var lines = [
            "world generator \(folder.path(percentEncoded: false)): \(defaults.width)×\(defaults.height), "
                + "\(defaults.steps) steps, true CFG \(Int(guidance)) with negative prompt \"\(negative)\""
                + (defaults.negativePrompt == nil ? " (the pipeline names none; \"\" assumed)" : "")
                + ", codec \(type(of: generator.codec)) ×\(generator.codec.spatialFactor):",
            String(format: "  prompt + negative prompt encoding (ours, batch 1): %.1f ms", encodeSeconds * 1000),
        ]
        let reference = torchReference && PythonReference.canImport(["torch", "diffusers"])
        var cases: [[String: Any]] = []
        var ours: [String: (seconds: Double, images: Tensor)] = [:]
        for batch in batchSizes {
            let name = "batch \(batch)"
            let prompt = try encoder.encode(Array(prompts.prefix(batch)))
            let unconditional = try repeated(encoder.encode([negative]), batch)
            var settings = GenerationSettings(
                width: defaults.width, height: defaults.height, steps: defaults.steps, seed: 1, guidanceScale: guidance)
            settings.initialLatents = try generator.startSampling(
                prompt: prompt, negativePrompt: unconditional, settings: settings).latents
            var images = Tensor.zeros([1])
            let seconds = try Measure.medianSeconds(repeats: repeats(batch: batch), warmUp: 1) {
                let sampling = try generator.startSampling(prompt: prompt, negativePrompt: unconditional, settings: settings)
                while try sampling.next() != nil {}
                images = try generator.decode(sampling.latents, settings: settings)
            }
            ours[name] = (seconds, images)
            lines.append(row("ours, \(name)", seconds, batch))
            if batch == 1 {
                lines += try modulationOverhead(generator, prompt: prompt, negative: unconditional, settings: settings)
            }
            guard reference else { continue }
            let inputs = directory.appending(path: "world-sampling-\(batch)-inputs.safetensors")
            try SafetensorsWriter.write([
                "prompt_embeds": prompt.embeddings, "prompt_embeds_mask": prompt.mask,
                "negative_prompt_embeds": unconditional.embeddings, "negative_prompt_embeds_mask": unconditional.mask,
                "initial_latents": settings.initialLatents!,
            ], to: inputs)
            cases.append([
                "name": name, "repeats": repeats(batch: batch), "inputs": inputs.path(percentEncoded: false),
                "output": directory.appending(path: "world-sampling-\(batch)-images.safetensors").path(percentEncoded: false),
                "height": defaults.height, "width": defaults.width, "steps": defaults.steps,
            ])
        }
        lines += try diffusers(cases, folder: folder, patch: generator.codec.spatialFactor, ours: ours, enabled: reference)
        lines.append(try endToEnd(folder, prompt: prompts[0], directory: directory))
        return lines
    }

    /// The first `count` training-style captions of the folder's world.json (the fixed prompt when
    /// the folder has none).
    static func worldPrompts(_ folder: URL, count: Int) throws -> [String] {
        guard FileManager.default.fileExists(atPath: folder.appending(path: "world.json").path(percentEncoded: false))
        else { return Array(repeating: fallbackPrompt, count: count) }
        return try World.load(from: folder).captions(count: count, seed: 1).map(\.text)
    }

    /// One prompt's embeddings repeated `count` times along the batch.
    static func repeated(_ embeddings: PromptEmbeddings, _ count: Int) -> PromptEmbeddings {
        PromptEmbeddings(
            embeddings: Tensor.concat(Array(repeating: embeddings.embeddings, count: count), axis: 0),
            mask: Tensor.concat(Array(repeating: embeddings.mask, count: count), axis: 0))
    }

    /// diffusers' rows, each with the largest difference from our images.
    static func diffusers(
        _ cases: [[String: Any]], folder: URL, patch: Int, ours: [String: (seconds: Double, images: Tensor)], enabled: Bool
    ) throws -> [String] {
        guard enabled else {
            return ["  diffusers reference: not run (python3 with torch and diffusers not importable, or --no-reference)"]
        }
        defer {
            for c in cases {
                for key in ["inputs", "output"] { try? FileManager.default.removeItem(atPath: c[key] as! String) }
            }
        }
        guard let objects = PythonReference.run(script: "diffusers_world_sampling.py", input: [
            "directory": folder.path(percentEncoded: false), "patch": patch, "true_cfg_scale": guidance, "cases": cases,
        ]), objects.count == cases.count else { return ["  diffusers reference: failed"] }
        return try zip(cases, objects).map { c, object in
            let name = c["name"] as! String, mine = ours[name]!
            let theirs = try SafetensorsFile(url: URL(fileURLWithPath: c["output"] as! String)).tensor(named: "images")
            let difference = theirs.shape == mine.images.shape
                ? zip(theirs.scalars, mine.images.scalars).map { abs($0 - $1) }.max() ?? 0 : .infinity
            let seconds = object["sample"] as? Double ?? .nan
            return row("\(object["version"] as? String ?? "diffusers"), \(name)", seconds, mine.images.shape[0])
                + String(format: ", max |Δ image| %.1e  → ours %.2f×", difference, seconds / mine.seconds)
        }
    }

    /// Wall time of `mokus generate --generator folder --prompt prompt` (prompt → PNG, a fresh
    /// process: loading, encoding, sampling, PNG), median of 3 after a warm-up.
    static func endToEnd(_ folder: URL, prompt: String, directory: URL) throws -> String {
        let mokus = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appending(path: "mokus")
        guard FileManager.default.isExecutableFile(atPath: mokus.path(percentEncoded: false)) else {
            return "  mokus generate end to end: not run (no mokus beside mokus-bench: swift build -c release --product mokus)"
        }
        let png = directory.appending(path: "world-generate-bench.png")
        defer { try? FileManager.default.removeItem(at: png) }
        let arguments = [mokus.path(percentEncoded: false), "generate", "--generator", folder.path(percentEncoded: false),
                         "--prompt", prompt, "--out", png.path(percentEncoded: false)]
        var failed = false
        let seconds = Measure.medianSeconds(repeats: repeats, warmUp: 1) {
            failed = failed || PythonReference.run(arguments, stdin: Data()) == nil
        }
        return failed ? "  mokus generate end to end: failed"
            : String(format: "  mokus generate end to end (one prompt → PNG, fresh process): %.2f s (target ≤ 2 s)", seconds)
    }

    private static func row(_ label: String, _ seconds: Double, _ images: Int) -> String {
        String(format: "  %@: %.1f ms per call, %.1f images/s", label, seconds * 1000, Double(images) / seconds)
    }
}
