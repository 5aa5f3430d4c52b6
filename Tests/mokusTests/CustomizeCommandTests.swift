import Foundation
import Generators
import Imaging
import ModelIO
import MoKus
@testable import mokus
import Tensors
import TestSupport
import Testing
import World

/// `mokus customize` and `mokus demo` on the bundled world, reduced to seconds (2 LoRA steps, one
/// seed, two unguided denoising steps), and their refusals of bad input.
@Suite("mokus customize and demo")
struct CustomizeCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let hparams = path(root.appending(path: "hparams/UltraEdit/world.yaml"))

    static func path(_ url: URL) -> String { url.path(percentEncoded: false) }

    /// Two renders of the world's reserved concept 12 on teal, plus a 48×40 image (resized and
    /// centre-cropped like the others), in `folder/images`.
    static func conceptImages(in folder: TemporaryDirectory) throws -> URL {
        let world = try World.load(from: BundledWorld.directory())
        let captions = try world.conceptCaptions(concept: 12, count: 2, background: .teal, seed: 1)
        let rendered = folder.file("concept")
        try RenderedDataset.write(captions, of: world, to: rendered)
        let images = rendered.appending(path: "images")
        try PNGCodec.write(try Image(width: 48, height: 40, layout: .rgb, filledWith: [30, 160, 60]),
                           to: images.appending(path: "wide.png"))
        return images
    }

    /// Reduced settings: 2 LoRA steps, one seed, two unguided denoising steps per image.
    static let reduced = ["--seeds", "1", "--sampling-steps", "2", "--guidance", "1", "--hparams", hparams, "--quiet"]

    static func customize(
        images: URL, knowledge: URL, out: URL, lora: URL? = nil, prompts: [String] = ["{}", "{} on a maroon background"]
    ) throws -> Mokus.Customize {
        try Mokus.Customize.parse(
            ["--images", path(images), "--knowledge", path(knowledge), "--out", path(out), "--steps", "2"] + reduced
                + prompts.flatMap { ["--prompt", $0] } + (lora.map { ["--lora", path($0)] } ?? []))
    }

    static func metrics(_ out: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appending(path: "metrics.json"))) as? [String: Any])
    }

    @Test("writes a pipeline that mokus generate runs (edited encoder, root LoRA, linked parts) and its report")
    func customizes() throws {
        let folder = try TemporaryDirectory(label: "customize")
        let images = try Self.conceptImages(in: folder)
        let knowledge = try folder.write("anchor: sks heart\n- my lucky charm\n", to: "k.txt")
        let out = folder.file("custom")
        try Self.customize(images: images, knowledge: knowledge, out: out).run()

        let world = try BundledWorld.directory()
        let weights = "transformer/diffusion_pytorch_model.safetensors"
        #expect(try Data(contentsOf: out.appending(path: weights)) == Data(contentsOf: world.appending(path: weights)))
        for file in ["model_index.json", "scheduler/scheduler_config.json", "tokenizer/tokenizer.json", "text_encoder/config.json",
                     "text_encoder/mokus-edits.safetensors", QwenImagePipelineFolder.loraWeights, "report.md", "grid.png",
                     "images/base/p0-q0-s0.png", "images/concept/p1-q1-s0.png", "images/customized/p1-q1-s0.png"] {
            #expect(FileManager.default.fileExists(atPath: Self.path(out.appending(path: file))), "\(file)")
        }
        #expect(try QwenImageGenerator(directory: out).transformer.lora?.moduleNames.count == 16)
        try Mokus.Generate.parse(["--generator", Self.path(out), "--prompt", "my lucky charm", "--steps", "2",
                                  "--out", Self.path(folder.file("x.png")), "--quiet"]).run()

        let metrics = try Self.metrics(out)
        let cells = try #require(metrics["cells"] as? [[String: Any]])
        #expect(cells.map { $0["text"] as? String } == ["sks heart", "sks heart on a maroon background", "my lucky charm",
                                                         "my lucky charm on a maroon background"])
        #expect(cells[1]["requested_attributes"] as? [String: String] == ["background": "maroon"])
        for cell in cells {
            let scores = try #require(cell["scores"] as? [String: [String: Double]])
            #expect(Set(scores.keys) == ["base", "concept", "customized"])
            #expect(scores.values.allSatisfy { ($0["similarity"] ?? 9) >= -1 && ($0["similarity"] ?? 9) <= 1 })
        }
        let stage2 = try #require(metrics["stage2"] as? [String: Any])
        #expect((stage2["update"] as? [String: Any])?["algorithm"] as? String == "ULTRAEDIT")
        #expect(stage2["similarity_gap"] is Double && stage2["knowledge_context_accuracy"] is Double)
        #expect((metrics["stage1"] as? [String: Any])?["steps"] as? Int == 2)

        // Reusing the LoRA skips stage 1 and carries the same adapters.
        let reused = folder.file("reused")
        let lora = out.appending(path: QwenImagePipelineFolder.loraWeights)
        try Self.customize(images: images, knowledge: knowledge, out: reused, lora: lora, prompts: ["{}"]).run()
        #expect((try Self.metrics(reused)["stage1"] as? [String: Any])?["source"] as? String == Self.path(lora))
        #expect(try Data(contentsOf: reused.appending(path: QwenImagePipelineFolder.loraWeights)) == Data(contentsOf: lora))
        #expect(try folder.contents().allSatisfy { !$0.hasPrefix(".") }, "no staging folder is left")
    }

    /// A bad input of each kind, refused with a typed error naming the file before anything is
    /// learnt or written.
    @Test("bad input: empty image folder, non-image file, empty knowledge, another generator's LoRA, a rank mismatch")
    func badInput() throws {
        let folder = try TemporaryDirectory(label: "customize-bad")
        let images = try Self.conceptImages(in: folder)
        let knowledge = try folder.write("anchor: sks heart\n- my lucky charm\n", to: "k.txt")
        let out = folder.file("out")
        func refuses(_ command: Mokus.Customize, _ check: (any Error) -> Bool) {
            #expect(performing: { try command.run() }, throws: check)
            #expect(!FileManager.default.fileExists(atPath: Self.path(out)))
        }

        let empty = folder.file("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        refuses(try Self.customize(images: empty, knowledge: knowledge, out: out)) {
            $0 as? MoKusError == .emptyImageFolder(folder: Self.path(empty), reason: "the folder holds no file")
        }

        let mixed = folder.file("mixed")
        try FileManager.default.copyItem(at: images, to: mixed)
        let notes = try folder.write("not an image", to: "mixed/notes.txt")
        refuses(try Self.customize(images: mixed, knowledge: knowledge, out: out)) {
            if case .unreadableImage(let file, _) = $0 as? MoKusError { return file == Self.path(notes) }
            return false
        }

        let bare = try folder.write("anchor: sks heart\n# no statements\n", to: "bare.txt")
        refuses(try Self.customize(images: images, knowledge: bare, out: out)) {
            $0 as? MoKusError == .emptyKnowledge(file: Self.path(bare), field: "knowledge")
        }

        let foreign = Self.root.appending(path: "Tests/MoKusTests/Fixtures/concept/lora.safetensors")
        refuses(try Self.customize(images: images, knowledge: knowledge, out: out, lora: foreign)) {
            if case .invalidLoRA(let file, _, _) = $0 as? GeneratorError { return file == Self.path(foreign) }
            return false
        }

        var random = RandomGenerator(seed: 4)
        let mismatched = folder.file("rank.safetensors")
        try SafetensorsWriter.write(
            ["transformer.transformer_blocks.0.attn.to_q.lora_A.weight": random.normal([4, 128]),
             "transformer.transformer_blocks.0.attn.to_q.lora_B.weight": random.normal([128, 2])], to: mismatched)
        refuses(try Self.customize(images: images, knowledge: knowledge, out: out, lora: mismatched)) {
            if case .invalidLoRA(let file, _, let reason) = $0 as? GeneratorError {
                return file == Self.path(mismatched) && reason.contains("rank 2 differs from lora_A's rank 4")
            }
            return false
        }
        #expect(throws: (any Error).self) {  // --out must be new
            try Self.customize(images: images, knowledge: knowledge, out: folder.url)
        }
    }

    @Test("demo: a reduced run writes report.md, grid.png and metrics.json; an existing folder needs --force")
    func demo() throws {
        let folder = try TemporaryDirectory(label: "demo")
        let out = folder.file("demo")
        let arguments = ["--out", Self.path(out), "--steps", "2", "--count", "2", "--prompt", "a small {}"] + Self.reduced
        try Mokus.Demo.parse(arguments).run()
        for file in ["report.md", "grid.png", "metrics.json", "text_encoder/mokus-edits.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: Self.path(out.appending(path: file))), "\(file)")
        }
        let metrics = try Self.metrics(out)
        #expect(metrics["anchor"] as? String == "sks heart")
        #expect(metrics["knowledge"] as? [String] == Mokus.Demo.statements)
        #expect((metrics["cells"] as? [Any])?.count == 4)

        #expect(throws: (any Error).self) { try Mokus.Demo.parse(arguments) }
        let marker = try folder.write("old", to: "demo/marker")
        try Mokus.Demo.parse(arguments + ["--force"]).run()
        #expect(!FileManager.default.fileExists(atPath: Self.path(marker)))
        #expect(FileManager.default.fileExists(atPath: Self.path(out.appending(path: "report.md"))))
    }
}
