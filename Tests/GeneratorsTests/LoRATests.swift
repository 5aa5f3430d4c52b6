import Foundation
import ModelIO
import Tensors
import TestSupport
import Testing

@testable import Generators

/// LoRA files in diffusers' layout: round trips, α rules, and broken files.
@Suite("LoRA overlay files")
struct LoRATests {
    let scratch: TemporaryDirectory
    var directory: URL { scratch.url }
    let model: QwenImageTransformer

    init() throws {
        scratch = try TemporaryDirectory(label: "mokus-generators")
        try TinyQwenImage.write(to: scratch.url)
        model = try QwenImageTransformer(directory: scratch.url)
    }

    /// Writes `tensors` (+ `metadata`) as a LoRA file in the temporary directory.
    func file(_ tensors: [(String, Tensor)], metadata: [String: String] = [:], name: String = "lora.safetensors") throws
        -> URL
    {
        let url = directory.appending(path: name)
        try SafetensorsWriter.write(tensors, to: url, metadata: metadata)
        return url
    }

    static func metadata(_ fields: [String: Any]) -> [String: String] {
        let prefixed = Dictionary(uniqueKeysWithValues: fields.map { ("transformer.\($0.key)", $0.value) })
        let json = try! JSONSerialization.data(withJSONObject: prefixed, options: [.sortedKeys])
        return ["format": "pt", "lora_adapter_metadata": String(decoding: json, as: UTF8.self)]
    }

    @Test("save then load gives back the same factors, α and scaling, with mixed ranks and α")
    func roundTrip() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        var random = RandomGenerator(seed: 4)
        let adapters: [String: LoRAAdapter] = [
            "transformer_blocks.0.attn.to_q": LoRAAdapter(
                down: random.normal([4, 48]), up: random.normal([48, 4]), alpha: 8),
            "transformer_blocks.1.attn.to_q": LoRAAdapter(
                down: random.normal([4, 48]), up: random.normal([48, 4]), alpha: 8),
            "transformer_blocks.1.attn.to_out.0": LoRAAdapter(
                down: random.normal([2, 48]), up: random.normal([48, 2]), alpha: 0.1),
            "proj_out": LoRAAdapter(down: random.normal([4, 48]), up: random.normal([16, 4]), alpha: 8),
        ]
        model.lora = LoRAOverlay(adapters: adapters)
        let url = directory.appending(path: "saved.safetensors")
        try model.saveLoRA(to: url)

        let file = try SafetensorsFile(url: url)
        #expect(file.names.contains("transformer.transformer_blocks.1.attn.to_out.0.lora_B.weight"))
        let metadata = try #require(file.metadata["lora_adapter_metadata"])
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(metadata.utf8)) as? [String: Any])
        #expect(fields["transformer.r"] as? Int == 4 && fields["transformer.lora_alpha"] as? Double == 8)

        let loaded = try LoRAOverlay(contentsOf: url, modules: model.linearShapes)
        #expect(loaded.moduleNames == adapters.keys.sorted())
        for (name, adapter) in adapters {
            let other = try #require(loaded.adapters[name])
            #expect(other.down.scalars == adapter.down.scalars && other.up.scalars == adapter.up.scalars)
            #expect(
                other.alpha == adapter.alpha && other.rankStabilized == adapter.rankStabilized
                    && other.scale == adapter.scale)
        }
    }

    @Test("α comes from the metadata, else from .alpha tensors, else equals r; rslora scales by α/√r")
    func alphaRules() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        var random = RandomGenerator(seed: 2)
        let (down, up) = (random.normal([4, 48]), random.normal([48, 4]))
        let module = "transformer.transformer_blocks.0.attn.to_k"
        let factors = [("\(module).lora_A.weight", down), ("\(module).lora_B.weight", up)]
        func adapter(_ url: URL) throws -> LoRAAdapter {
            try #require(
                try LoRAOverlay(contentsOf: url, modules: model.linearShapes).adapters["transformer_blocks.0.attn.to_k"]
            )
        }
        #expect(try adapter(file(factors, metadata: Self.metadata(["r": 4, "lora_alpha": 8]))).scale == 2)
        #expect(
            try adapter(
                file(
                    factors,
                    metadata: Self.metadata(
                        ["r": 4, "lora_alpha": 8, "alpha_pattern": ["attn\\.to_k": 2]]))
            ).scale == 0.5)
        #expect(
            try adapter(file(factors, metadata: Self.metadata(["r": 4, "lora_alpha": 8, "use_rslora": true]))).scale
                == 4)
        #expect(try adapter(file(factors + [("\(module).alpha", Tensor(shape: [], scalars: [2]))])).scale == 0.5)
        let plain = try adapter(file(factors))
        #expect(plain.alpha == 4 && plain.scale == 1 && plain.down.scalars == down.scalars)
        // PEFT's own naming, without the pipeline prefix.
        let bare = factors.map { (String($0.0.dropFirst("transformer.".count)), $0.1) }
        #expect(try adapter(file(bare)).up.scalars == up.scalars)
    }

    @Test("a loaded file applies y += (α/r)·x·Aᵀ·Bᵀ on its modules")
    func loadedFileChangesOutput() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputs = TinyQwenImage.inputs()
        func run() throws -> Tensor {
            try model.velocity(
                latents: inputs.latents, imageShapes: [inputs.imageShape], text: inputs.text,
                textMask: inputs.textMask, timestep: inputs.timestep)
        }
        let base = try run()
        var random = RandomGenerator(seed: 7)
        let (down, up) = (
            random.normal([4, 48], standardDeviation: 0.3), random.normal([48, 4], standardDeviation: 0.3)
        )
        let module = "transformer_blocks.1.attn.to_v"
        let url = try file(
            [("transformer.\(module).lora_A.weight", down), ("transformer.\(module).lora_B.weight", up)],
            metadata: Self.metadata(["r": 4, "lora_alpha": 8]))
        try model.loadLoRA(from: url)
        let loaded = try run()
        model.lora = LoRAOverlay(adapters: [module: LoRAAdapter(down: down, up: up * 2, alpha: 4)])
        let equivalent = try run()
        #expect(relativeError(loaded, base) > 1e-3)
        #expect(relativeError(loaded, equivalent) < 1e-5)
    }

    @Test("broken LoRA files are invalidLoRA errors naming the file and tensor")
    func brokenFiles() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let q = "transformer.transformer_blocks.0.attn.to_q"
        let (a, b) = (Tensor.zeros([4, 48]), Tensor.zeros([48, 4]))
        func expectError(_ tensors: [(String, Tensor)], metadata: [String: String] = [:], key: String, _ reason: String)
            throws
        {
            let url = try file(tensors, metadata: metadata)
            let path = url.path(percentEncoded: false)
            do {
                _ = try LoRAOverlay(contentsOf: url, modules: model.linearShapes)
                Issue.record("\(reason): no error")
            } catch let GeneratorError.invalidLoRA(file, found, message) {
                #expect(file == path && found == key, "\(message)")
                #expect(message.contains(reason), "\(message)")
            }
        }
        try expectError(
            [("\(q).lora_A.weight", .zeros([4, 40])), ("\(q).lora_B.weight", b)],
            key: "\(q).lora_A.weight", "expected shape [r, 48] with r ≥ 1, found [4, 40]")
        try expectError(
            [("\(q).lora_A.weight", .zeros([0, 48])), ("\(q).lora_B.weight", .zeros([48, 0]))],
            key: "\(q).lora_A.weight", "found [0, 48]")
        try expectError(
            [("\(q).lora_A.weight", a), ("\(q).lora_B.weight", .zeros([47, 4]))],
            key: "\(q).lora_B.weight", "expected shape [48, r], found [47, 4]")
        try expectError(
            [("\(q).lora_A.weight", a), ("\(q).lora_B.weight", .zeros([48, 3]))],
            key: "\(q).lora_B.weight", "rank 3 differs from lora_A's rank 4")
        try expectError(
            [("transformer.transformer_blocks.7.attn.to_q.lora_A.weight", a)],
            key: "transformer.transformer_blocks.7.attn.to_q.lora_A.weight",
            "unknown module \"transformer_blocks.7.attn.to_q\"")
        try expectError(
            [("transformer.transformer_blocks.0.attn.norm_q.lora_A.weight", a)],
            key: "transformer.transformer_blocks.0.attn.norm_q.lora_A.weight", "unknown module")
        try expectError(
            [("\(q).lora_A.weight", a)], key: "\(q).lora_A.weight", "has no matching lora_B (\(q).lora_B.weight)")
        try expectError(
            [("\(q).lora_B.weight", b)], key: "\(q).lora_B.weight", "has no matching lora_A (\(q).lora_A.weight)")
        try expectError(
            [("\(q).lora_A.weight", a), ("\(q).lora_B.weight", b), ("\(q).weight", b)],
            key: "\(q).weight", "not a LoRA tensor")
        try expectError(
            [("\(q).lora_A.weight", a), ("\(q).lora_B.weight", b)], metadata: Self.metadata(["r": 8, "lora_alpha": 8]),
            key: "\(q).lora_A.weight", "rank 4 differs from r = 8")
        try expectError(
            [("\(q).lora_A.weight", a), ("\(q).lora_B.weight", b)],
            metadata: Self.metadata(["r": 4, "use_dora": true]),
            key: "__metadata__.lora_adapter_metadata.transformer.use_dora", "DoRA")
        try expectError(
            [("\(q).lora_A.weight", a), ("\(q).lora_B.weight", b)], metadata: ["lora_adapter_metadata": "{r: 4"],
            key: "__metadata__.lora_adapter_metadata", "not a JSON object")
        try expectError(
            [("\(q).lora_A.weight", a), ("\(q).lora_B.weight", b), ("\(q).alpha", .zeros([2]))],
            key: "\(q).alpha", "expected a single value")
    }

    @Test("saving without an active overlay is an error, and a failed load leaves the overlay unchanged")
    func saveWithoutOverlay() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appending(path: "none.safetensors")
        #expect(
            throws: GeneratorError.invalidLoRA(
                file: url.path(percentEncoded: false), key: "(none)", reason: "no LoRA overlay is active")
        ) {
            try model.saveLoRA(to: url)
        }
        #expect(!FileManager.default.fileExists(atPath: url.path(percentEncoded: false)))
        let active = try model.makeLoRA(rank: 2)
        model.lora = active
        #expect(throws: GeneratorError.self) {
            try model.loadLoRA(from: try file([("proj_out.lora_A.weight", .zeros([2, 3]))]))
        }
        #expect(model.lora?.moduleNames == active.moduleNames)
    }

    @Test("an overlay built in code must name the model's layers and fit their shapes")
    func inMemoryOverlay() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputs = TinyQwenImage.inputs()
        func run() throws {
            _ = try model.velocity(
                latents: inputs.latents, imageShapes: [inputs.imageShape], text: inputs.text,
                textMask: inputs.textMask, timestep: inputs.timestep)
        }
        model.lora = LoRAOverlay(adapters: [
            "transformer_blocks.2.attn.to_q": LoRAAdapter(down: .zeros([2, 48]), up: .zeros([48, 2]), alpha: 2)
        ])
        #expect(
            throws: GeneratorError.invalidLoRA(
                file: "(in memory)", key: "transformer_blocks.2.attn.to_q",
                reason: "the model has no linear layer of that name")
        ) { try run() }
        model.lora = LoRAOverlay(adapters: [
            "proj_out": LoRAAdapter(down: .zeros([2, 48]), up: .zeros([48, 2]), alpha: 2)
        ])
        #expect(throws: GeneratorError.self) { try run() }
    }
}
