import Foundation
import Generators
import Imaging
import ModelInterfaces
import ModelIO
import TestSupport
@testable import mokus
import Tensors
import Testing

/// `mokus generate` on the generator fixtures (Tests/GeneratorsTests/Fixtures: a tiny diffusers
/// pipeline and diffusers' 2-step sample from fixed noise).
@Suite("mokus generate")
struct GenerateCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "GeneratorsTests/Fixtures")
    static let repository = fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ url: URL) -> String { url.path(percentEncoded: false) }

    /// A scratch folder holding the reference's initial noise alone (what --init-latents reads).
    static func scratch() throws -> (folder: TemporaryDirectory, latents: String, reference: [String: Tensor]) {
        let folder = try TemporaryDirectory(label: "mokus-generate")
        let file = try SafetensorsFile(url: fixtures.appending(path: "pipeline_reference.safetensors"))
        let reference = try Dictionary(uniqueKeysWithValues: file.names.map { ($0, try file.tensor(named: $0)) })
        let latents = folder.file("noise.safetensors")
        try SafetensorsWriter.write(["initial_latents": reference["initial_latents"]!], to: latents)
        return (folder, path(latents), reference)
    }

    /// The PNG holds diffusers' image, rounded to bytes (±1 where a value sits on a rounding edge).
    static func expectImage(_ png: URL, equals reference: Tensor) throws {
        let image = try PNGCodec.read(contentsOf: png)
        #expect(image.width == 32 && image.height == 32)
        let expected = try Image(tensor: reference.reshaped([3, 32, 32]), range: .zeroToOne)
        let worst = zip(image.pixels, expected.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 255
        #expect(worst <= 1)
    }

    @Test("from diffusers' embeddings and noise: the same image and final latents")
    func fromEmbeddings() throws {
        let (folder, noise, reference) = try Self.scratch()
        let (png, latents) = (folder.file("out.png"), folder.file("latents.safetensors"))
        let command = try Mokus.Generate.parse([
            "--generator", Self.path(Self.fixtures.appending(path: "pipeline")),
            "--prompt-embeds", Self.path(Self.fixtures.appending(path: "pipeline_reference.safetensors")),
            "--init-latents", noise, "--steps", "2", "--size", "32x32", "--guidance", "4",
            "--save-latents", Self.path(latents), "--out", Self.path(png), "--quiet"])
        try command.run()
        try Self.expectImage(png, equals: reference["image"]!)
        let saved = try SafetensorsFile(url: latents).tensor(named: "latents")
        let expected = reference["latents_step1"]!
        let scale = expected.scalars.map(abs).max()!
        #expect(zip(saved.scalars, expected.scalars).allSatisfy { abs($0 - $1) <= 1e-4 * scale })
    }

    @Test("a diffusers dump as saved from torch: int64 masks, and initial_latents among other tensors")
    func diffusersDump() throws {
        let (folder, _, reference) = try Self.scratch()
        func int64(_ name: String) throws -> SafetensorsEntry {
            let mask = reference[name]!
            var bytes = Data()
            for value in mask.scalars { withUnsafeBytes(of: Int64(value).littleEndian) { bytes.append(contentsOf: $0) } }
            return try SafetensorsEntry(name, dtype: .int64, shape: mask.shape, bytes: bytes)
        }
        let dump = folder.file("dump.safetensors")
        try SafetensorsWriter.write([
            SafetensorsEntry("prompt_embeds", reference["prompt_embeds"]!), try int64("prompt_embeds_mask"),
            SafetensorsEntry("negative_prompt_embeds", reference["negative_prompt_embeds"]!),
            try int64("negative_prompt_embeds_mask"), SafetensorsEntry("initial_latents", reference["initial_latents"]!),
        ], to: dump)
        let png = folder.file("out.png")
        let command = try Mokus.Generate.parse([
            "--generator", Self.path(Self.fixtures.appending(path: "pipeline")), "--prompt-embeds", Self.path(dump),
            "--init-latents", Self.path(dump), "--steps", "2", "--size", "32x32", "--guidance", "4",
            "--out", Self.path(png), "--quiet"])
        try command.run()
        try Self.expectImage(png, equals: reference["image"]!)
    }

    @Test("from text through the encoder and the prompt template")
    func fromText() throws {
        let (folder, noise, reference) = try Self.scratch()
        let settings = try JSONSerialization.jsonObject(
            with: Data(contentsOf: Self.fixtures.appending(path: "pipeline_reference.json"))) as! [String: Any]
        let png = folder.file("out.png")
        let command = try Mokus.Generate.parse([
            "--generator", Self.path(Self.fixtures.appending(path: "pipeline")),
            "--encoder", Self.path(Self.repository.appending(path: settings["encoder"] as! String)),
            "--prompt", settings["prompt"] as! String, "--negative-prompt", settings["negative_prompt"] as! String,
            "--init-latents", noise, "--steps", "2", "--size", "32x32", "--out", Self.path(png), "--quiet"])
        try command.run()
        try Self.expectImage(png, equals: reference["image"]!)
    }

    @Test("a full pipeline folder: the encoder defaults to text_encoder/ with the tokenizer/ beside it")
    func pipelineFolderLayout() throws {
        let (folder, noise, reference) = try Self.scratch()
        let settings = try JSONSerialization.jsonObject(
            with: Data(contentsOf: Self.fixtures.appending(path: "pipeline_reference.json"))) as! [String: Any]
        // Qwen-Image's layout: transformer/, vae/, scheduler/, text_encoder/ (weights), tokenizer/.
        let pipeline = folder.file("Qwen-Image")
        try FileManager.default.copyItem(at: Self.fixtures.appending(path: "pipeline"), to: pipeline)
        let encoder = Self.repository.appending(path: settings["encoder"] as! String)
        for sub in ["text_encoder", "tokenizer"] {
            try FileManager.default.createDirectory(at: pipeline.appending(path: sub), withIntermediateDirectories: false)
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.path(encoder)) {
            let sub = name.hasPrefix("tokenizer") ? "tokenizer" : "text_encoder"
            try FileManager.default.copyItem(at: encoder.appending(path: name), to: pipeline.appending(path: "\(sub)/\(name)"))
        }
        let png = folder.file("out.png")
        let command = try Mokus.Generate.parse([
            "--generator", Self.path(pipeline), "--prompt", settings["prompt"] as! String,
            "--negative-prompt", settings["negative_prompt"] as! String, "--init-latents", noise,
            "--steps", "2", "--size", "32x32", "--out", Self.path(png), "--quiet"])
        try command.run()
        try Self.expectImage(png, equals: reference["image"]!)
    }

    @Test("--lora overlays the adapters on the transformer: the image changes, and equals the library's")
    func withLoRA() throws {
        let (folder, noise, reference) = try Self.scratch()
        let lora = Self.fixtures.appending(path: "transformer_lora.safetensors")
        let latents = folder.file("latents.safetensors")
        let command = try Mokus.Generate.parse([
            "--generator", Self.path(Self.fixtures.appending(path: "pipeline")), "--lora", Self.path(lora),
            "--prompt-embeds", Self.path(Self.fixtures.appending(path: "pipeline_reference.safetensors")),
            "--init-latents", noise, "--steps", "2", "--size", "32x32", "--save-latents", Self.path(latents),
            "--out", Self.path(folder.file("lora.png")), "--quiet"])
        try command.run()
        let saved = try SafetensorsFile(url: latents).tensor(named: "latents")

        let generator = try QwenImageGenerator(directory: Self.fixtures.appending(path: "pipeline"))
        try generator.transformer.loadLoRA(from: lora)
        let settings = GenerationSettings(
            width: 32, height: 32, steps: 2, guidanceScale: 4, initialLatents: reference["initial_latents"])
        let sampling = try generator.startSampling(
            prompt: PromptEmbeddings(embeddings: reference["prompt_embeds"]!, mask: reference["prompt_embeds_mask"]!),
            negativePrompt: PromptEmbeddings(
                embeddings: reference["negative_prompt_embeds"]!, mask: reference["negative_prompt_embeds_mask"]!),
            settings: settings)
        while try sampling.next() != nil {}
        #expect(saved.scalars == sampling.latents.scalars)
        let withoutLoRA = reference["latents_step1"]!.scalars
        #expect(zip(saved.scalars, withoutLoRA).map { abs($0 - $1) }.max()! > 1e-2)
    }

    @Test("argument and input errors")
    func errors() throws {
        #expect(throws: (any Error).self) { try Mokus.Generate.parse(["--generator", "g", "--negative-prompt", "a"]) }
        #expect(throws: (any Error).self) {
            try Mokus.Generate.parse(["--generator", "g", "--prompt-embeds", "e", "--prompt", "a"])
        }
        #expect(throws: (any Error).self) { try Mokus.Generate.parse(["--generator", "g", "--prompt-embeds", "e", "--size", "32"]) }
        #expect(throws: (any Error).self) {
            try Mokus.Generate.parse(["--generator", "g", "--prompt-embeds", "e", "--max-sequence-length", "2000"])
        }
        let (folder, noise, _) = try Self.scratch()
        // A file without prompt_embeds is named in the error.
        var command = try Mokus.Generate.parse([
            "--generator", Self.path(Self.fixtures.appending(path: "pipeline")), "--prompt-embeds", noise,
            "--steps", "2", "--size", "32x32", "--quiet", "--out", Self.path(folder.file("x.png"))])
        #expect { try command.run() } throws: { "\($0)".contains("prompt_embeds") }
        // A size the VAE cannot produce.
        command = try Mokus.Generate.parse([
            "--generator", Self.path(Self.fixtures.appending(path: "pipeline")),
            "--prompt-embeds", Self.path(Self.fixtures.appending(path: "pipeline_reference.safetensors")),
            "--steps", "2", "--size", "36x32", "--quiet", "--out", Self.path(folder.file("x.png"))])
        #expect { try command.run() } throws: { "\($0)".contains("multiples of 8") }
        #expect(!FileManager.default.fileExists(atPath: Self.path(folder.file("x.png"))))
    }
}
