import Foundation
import Imaging
import ModelIO
@testable import mokus
import Personalization
import Tensors
import TestSupport
import Testing
import World

/// `mokus modadapter pretrain|train|generate` on the bundled world (32×32): seeded files,
/// resumable training, tuning-free composition, and every bad input as its typed one-line error
/// with no output left behind.
@Suite("mokus modadapter")
struct ModAdapterCommandTests {
    let folder: TemporaryDirectory
    let image: URL

    init() throws {
        folder = try TemporaryDirectory(label: "modadapter")
        image = folder.file("concept.png")
        let scene = Scene(object: ObjectDescription(size: .small, colour: .red, pattern: .striped, shape: .star), background: .grey)
        try PNGCodec.write(try Renderer.render(scene).image, to: image)
    }

    static func path(_ url: URL) -> String { url.path(percentEncoded: false) }
    static let budget = ["--training-images", "4", "--pretrain-steps", "3", "--pretrain-batch-size", "2", "--train-steps", "2",
                         "--train-batch-size", "2", "--experts", "2", "--quiet"]

    func pretrain(out: URL, extra: [String] = []) throws {
        try Mokus.ModAdapterCommand.Pretrain.parse(["--out", Self.path(out)] + Self.budget + extra).run()
    }

    func generate(adapter: URL, concepts: [String], prompt: String, out: URL) throws {
        try Mokus.ModAdapterCommand.Generate.parse(
            ["--adapter", Self.path(adapter), "--prompt", prompt, "--steps", "2", "--out", Self.path(out)]
                + concepts.flatMap { ["--concept", $0] }).run()
    }

    @Test("pretrain is seeded (same bytes twice), train continues it, generate composes concepts of two images")
    func pretrainTrainGenerate() throws {
        let (first, second, trained) = (folder.file("a.safetensors"), folder.file("b.safetensors"), folder.file("t.safetensors"))
        try pretrain(out: first)
        try pretrain(out: second)
        #expect(try Data(contentsOf: first) == Data(contentsOf: second))
        try Mokus.ModAdapterCommand.Train.parse(["--adapter", Self.path(first), "--out", Self.path(trained)] + Self.budget).run()
        let adapter = try ModAdapter.read(from: trained, generatorFingerprint: nil, encoderFingerprint: nil)
        #expect(adapter.stages == ["pretrain", "train"] && adapter.configuration.experts == 2 && adapter.configuration.queries == 1)

        let other = folder.file("dots.png")
        let scene = Scene(object: ObjectDescription(size: .large, colour: .blue, pattern: .dotted, shape: .heart), background: .teal)
        try PNGCodec.write(try Renderer.render(scene).image, to: other)
        let out = folder.file("composed.png")
        try generate(
            adapter: trained, concepts: [Self.path(image) + ":red,star", Self.path(other) + ":dotted,teal"],
            prompt: "a large red dotted star on a teal background", out: out)
        #expect(try PNGCodec.read(contentsOf: out, as: .rgb).width == 32)
    }

    @Test("training resumes from its checkpoint to the same adapter as an uninterrupted run")
    func resume() throws {
        let session = try ModAdapterSession(GeneratorOptions.parse([]))
        var settings = try ModAdapterOptions.parse(Array(Self.budget.dropLast())).settings
        settings.pretraining.checkpointEvery = 1
        let data = try session.data(settings)
        let initial = try session.initial(data, settings: settings)
        let whole = try ModAdapterTraining.run(.pretrain, adapter: initial, data: data, generator: session.pipeline.generator,
                                               baseFingerprint: session.pipeline.fingerprint, settings: settings)
        let checkpoints = folder.file("checkpoints")
        _ = try ModAdapterTraining.run(.pretrain, adapter: initial, data: data, generator: session.pipeline.generator,
                                       baseFingerprint: session.pipeline.fingerprint, settings: settings,
                                       checkpointDirectory: checkpoints, stopAfter: 1)
        let resumed = try ModAdapterTraining.run(.pretrain, adapter: initial, data: data, generator: session.pipeline.generator,
                                                 baseFingerprint: session.pipeline.fingerprint, settings: settings,
                                                 checkpointDirectory: checkpoints)
        #expect(resumed.losses.count == 2 && resumed.losses == Array(whole.losses.suffix(2)))
        let a = folder.file("whole.safetensors"), b = folder.file("resumed.safetensors")
        try whole.adapter.write(to: a)
        try resumed.adapter.write(to: b)
        #expect(try Data(contentsOf: a) == Data(contentsOf: b))
    }

    @Test("bad images, foreign or malformed adapter files and a word absent from the prompt are typed errors; no image is written")
    func badInput() throws {
        let adapter = folder.file("adapter.safetensors"), out = folder.file("image.png")
        try pretrain(out: adapter)
        let prompt = "a large blue dotted heart on a teal background"
        let small = folder.file("small.png"), text = folder.file("notes.png")
        try PNGCodec.write(try Image(width: 16, height: 16, layout: .rgb, pixels: [UInt8](repeating: 9, count: 16 * 16 * 3)), to: small)
        try Data("not an image".utf8).write(to: text)
        #expect(throws: PersonalizationError.wrongImageSize(file: Self.path(small), expected: "32×32", found: "16×16")) {
            try generate(adapter: adapter, concepts: [Self.path(small) + ":heart"], prompt: prompt, out: out)
        }
        #expect {
            try generate(adapter: adapter, concepts: [Self.path(text) + ":heart"], prompt: prompt, out: out)
        } throws: { error in
            guard case .unreadableImage(let file, _) = error as? PersonalizationError else { return false }
            return file == Self.path(text)
        }
        #expect(throws: PersonalizationError.wordNotInPrompt(word: "star", prompt: prompt)) {
            try generate(adapter: adapter, concepts: [Self.path(image) + ":star"], prompt: prompt, out: out)
        }

        let foreign = try ModAdapter.read(from: adapter, generatorFingerprint: nil, encoderFingerprint: nil)
        for (component, change) in [("generator", { (a: inout ModAdapter) in a.generatorFingerprint = "0123" }),
                                    ("text encoder", { (a: inout ModAdapter) in a.encoderFingerprint = "4567" })] {
            var changed = foreign
            change(&changed)
            let file = folder.file("foreign-\(component.count).safetensors")
            try changed.write(to: file)
            #expect {
                try generate(adapter: file, concepts: [Self.path(image) + ":star"], prompt: prompt, out: out)
            } throws: { error in
                guard case .componentMismatch(let name, let found, _, let value) = error as? PersonalizationError else { return false }
                return name == Self.path(file) && found == component && ["0123", "4567"].contains(value)
            }
        }
        let garbage = folder.file("garbage.safetensors"), bare = folder.file("bare.safetensors"), cut = folder.file("cut.safetensors")
        try Data("garbage".utf8).write(to: garbage)
        try SafetensorsWriter.write([SafetensorsEntry("query.weight", Tensor.zeros([2]))], to: bare)
        let original = try SafetensorsFile(url: adapter)
        try SafetensorsWriter.write(
            [SafetensorsEntry("query.weight", Tensor.zeros([3, 3]))], to: cut, metadata: original.metadata)
        let noExperts = folder.file("experts.safetensors")
        let header = original.metadata[ModAdapter.metadataKey]!
        #expect(header.contains("\"experts\":2"))
        try SafetensorsWriter.write(
            [SafetensorsEntry("query.weight", Tensor.zeros([3, 3]))], to: noExperts,
            metadata: [ModAdapter.metadataKey: header.replacingOccurrences(of: "\"experts\":2", with: "\"experts\":0")])
        for (file, key) in [(garbage, "header"), (bare, "__metadata__.\(ModAdapter.metadataKey)"), (cut, "query.weight"),
                            (noExperts, "configuration")] {
            #expect {
                try generate(adapter: file, concepts: [Self.path(image) + ":star"], prompt: prompt, out: out)
            } throws: { error in
                guard case .malformedModulationFile(let name, let found, _) = error as? PersonalizationError else { return false }
                return name == Self.path(file) && found == key
            }
        }
        #expect(!FileManager.default.fileExists(atPath: Self.path(out)))
    }
}
