import Foundation
import Generators
import Imaging
import KnowledgeEditing
import MoKus
@testable import mokus
import TestSupport
import Testing
import World

/// `mokus bench knowcus --data`: a KnowCusBench folder in the published layout, built from rendered
/// world concepts, run end to end with tiny settings; bad data and bad options refused.
@Suite("mokus bench knowcus --data")
struct BenchDataCommandTests {
    /// Reserved concepts 0 and 1 (2 renders each on teal, with their exact masks) as `concept0` and
    /// `concept1`: concept0 with two listed prompts (one with an unknown key) and JSON knowledge,
    /// concept1 with prompts grouped by kind, a text knowledge file and a stage-1 LoRA in `visual_ckpt/`.
    static func dataFolder(in folder: TemporaryDirectory) throws -> URL {
        let world = try World.load(from: BundledWorld.directory())
        let root = folder.file("KnowCusBench")
        var shapes: [String] = []
        for c in 0..<2 {
            let images = root.appending(path: "concept_image/concept\(c)")
            try FileManager.default.createDirectory(at: images.appending(path: "mask"), withIntermediateDirectories: true)
            let captions = try world.conceptCaptions(concept: c, count: 2, background: .teal, seed: 1)
            shapes.append(captions[0].scene.object.shape.rawValue)
            for (i, caption) in captions.enumerated() {
                let render = try Renderer.render(caption.scene)
                try PNGCodec.write(render.image, to: images.appending(path: "\(i).png"))
                let mask = try Image(width: render.image.width, height: render.image.height, layout: .gray,
                                     pixels: render.mask.map { $0 * 255 })
                try PNGCodec.write(mask, to: images.appending(path: "mask/\(i).png"))
            }
        }
        let dataset = """
            [{"concept": "concept0", "class": "\(shapes[0])", "prompts": [
                {"prompt": "{} on a maroon background", "type": "background change", "note": "kept"},
                {"prompt": "a small {}", "type": "new object"}]},
             {"concept": "concept1", "class": "\(shapes[1])", "prompts": {"style change": ["a red {}"]}}]
            """
        _ = try folder.write(Data(dataset.utf8), to: "KnowCusBench/concept_image/dataset.json")
        try FileManager.default.createDirectory(at: root.appending(path: "knowledge_data"), withIntermediateDirectories: true)
        let knowledge = #"["my lucky charm", {"knowledge": "my birthday gift", "perspective": "personal relationship"}]"#
        _ = try folder.write(Data(knowledge.utf8), to: "KnowCusBench/knowledge_data/concept0.json")
        _ = try folder.write(Data("my favourite toy\n".utf8), to: "KnowCusBench/knowledge_data/concept1.txt")
        let checkpoint = root.appending(path: "visual_ckpt/concept1")
        try FileManager.default.createDirectory(at: checkpoint, withIntermediateDirectories: true)
        let generator = try QwenImageGenerator(directory: BundledWorld.directory())
        try LoRAOverlay(modules: generator.transformer.linearShapes, rank: 2, alpha: 2, seed: 5)
            .write(to: checkpoint.appending(path: "pytorch_lora_weights.safetensors"))
        return root
    }

    static func knowcus(data: URL, out: URL, _ extra: [String] = []) throws {
        try Mokus.Bench.KnowCus.parse(
            ["--data", CustomizeCommandTests.path(data), "--out", CustomizeCommandTests.path(out), "--concepts", "2"]
                + BenchCommandTests.reduced + extra
        ).run()
    }

    @Test("runs on the published layout: statements and prompts read, the visual checkpoint used, attribute metrics n/a")
    func runsOnPublishedLayout() throws {
        let folder = try TemporaryDirectory(label: "bench-data")
        let data = try Self.dataFolder(in: folder)
        let out = folder.file("run")
        try Self.knowcus(data: data, out: out)
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appending(path: "results.json"))) as? [String: Any])
        let info = try #require(json["info"] as? [String: Any])
        let concepts = try #require(info["concepts"] as? [[String: Any]])
        #expect(concepts.map { $0["name"] as? String } == ["concept0", "concept1"])
        #expect(concepts.map { $0["exact_masks"] as? Bool } == [true, true])
        #expect(concepts[0]["visual_checkpoint"] == nil)
        #expect(concepts[1]["visual_checkpoint"] as? String == "visual_ckpt/concept1/pytorch_lora_weights.safetensors")
        #expect((concepts[0]["unknown_keys"] as? [String: String])?["concept_image/dataset.json:[0].prompts[0].note"] == "\"kept\"")
        #expect((concepts[0]["knowledge"] as? [[String: Any]])?.map { $0["text"] as? String } == ["my lucky charm", "my birthday gift"])
        // concept0: (anchor + 2 statements × 3 methods) × 3 prompts; concept1: (anchor + 1 × 3) × 2 prompts.
        let records = try #require(json["records"] as? [[String: Any]])
        #expect(records.count == 7 * 3 + 4 * 2)
        #expect(records.allSatisfy { $0["alignment"] == nil && $0["attribute_accuracy"] == nil })
        #expect(records.allSatisfy { ($0["similarity"] as? [Double])?.count == 2 })
        #expect(Set(records.map { $0["kind"] as? String }) == ["reconstruction", "background", "new-object", "style"])
        let report = try String(contentsOf: out.appending(path: "report.md"), encoding: .utf8)
        #expect(report.contains("n/a") && report.contains("stage 1: loaded from `visual_ckpt/concept1"))
        let grid = try PNGCodec.read(contentsOf: out.appending(path: "grid-c0.png"))
        // 8 rows (concept images, anchor, 2 statements × 3 methods) of 96-pixel cells, 3 prompt columns.
        #expect(grid.height > 8 * 96 && grid.width > 3 * 96 && grid.width < 4 * 96)
        #expect(FileManager.default.fileExists(atPath: CustomizeCommandTests.path(out.appending(path: "grid-c1.png"))))
    }

    @Test("bad data is a typed error naming the file, and nothing is written")
    func refusesBadData() throws {
        let folder = try TemporaryDirectory(label: "bench-bad-data")
        let data = try Self.dataFolder(in: folder)
        try FileManager.default.removeItem(at: data.appending(path: "knowledge_data/concept1.txt"))
        let out = folder.file("run")
        #expect(throws: MoKusError.self) { try Self.knowcus(data: data, out: out) }
        #expect(!FileManager.default.fileExists(atPath: CustomizeCommandTests.path(out)))
    }

    @Test("refuses --data with --world, --generator without --data, and bad --eta lists",
          arguments: [["--data", "d", "--world", "w"], ["--generator", "g"], ["--eta", "0"], ["--eta", "1e-3,x"], ["--eta", "1e-3,1e-3"]])
    func refusesBadOptions(options: [String]) {
        #expect(throws: (any Error).self) { try Mokus.Bench.KnowCus.parse(["--out", "/tmp/never"] + options) }
    }

    @Test("--eta rewrites UltraEdit's lr and keeps every other key")
    func etaRewritesLearningRate() throws {
        let file = try HyperparameterFile(contentsOf: URL(fileURLWithPath: CustomizeCommandTests.hparams))
        let changed = try KnowCusEtaAblation.file(file, eta: 0.003)
        #expect(changed.keys.map(\.name) == file.keys.map(\.name))
        #expect(changed.text.contains("\nlr: 0.003\n") && !changed.text.contains("lr: 4e-4"))
        #expect(changed.path.hasSuffix("(lr 0.003)"))
    }
}
