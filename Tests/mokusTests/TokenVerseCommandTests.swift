import Foundation
import Generators
import Imaging
import ModelIO
@testable import mokus
import Personalization
import Tensors
import TestSupport
import Testing
import TextEncoders
import World

/// `mokus tokenverse learn|generate` on the bundled world (32×32): a learned file, reproducibility,
/// composition, and every bad input as its typed error with no output left behind.
@Suite("mokus tokenverse")
struct TokenVerseCommandTests {
    static let caption = "a small red striped star on a grey background"
    let folder: TemporaryDirectory
    let image: URL

    init() throws {
        folder = try TemporaryDirectory(label: "tokenverse")
        image = folder.file("concept.png")
        let scene = Scene(object: ObjectDescription(size: .small, colour: .red, pattern: .striped, shape: .star), background: .grey)
        try PNGCodec.write(try Renderer.render(scene).image, to: image)
    }

    static func path(_ url: URL) -> String { url.path(percentEncoded: false) }

    /// Two steps of one image; `isolation` base images (each costs a sampled image).
    func learn(
        image: URL? = nil, caption: String = caption, words: [String] = ["star", "striped"], isolation: Int = 0, out: URL
    ) throws {
        try Mokus.TokenVerseCommand.Learn.parse(
            ["--image", Self.path(image ?? self.image), "--caption", caption, "--out", Self.path(out), "--steps", "2",
             "--batch-size", "1", "--isolation-images", "\(isolation)", "--isolation-probability", "1", "--quiet"]
                + words.flatMap { ["--word", $0] }).run()
    }

    func generate(_ concepts: [String], prompt: String, out: URL) throws {
        try Mokus.TokenVerseCommand.Generate.parse(
            concepts.flatMap { ["--concept", $0] } + ["--prompt", prompt, "--steps", "2", "--out", Self.path(out)]).run()
    }

    @Test("learn writes Δ per word with the caption and fingerprint, bit-identically twice; generate composes files")
    func learnAndGenerate() throws {
        let (first, second) = (folder.file("a.safetensors"), folder.file("b.safetensors"))
        try learn(isolation: 1, out: first)
        try learn(isolation: 1, out: second)
        #expect(try Data(contentsOf: first) == Data(contentsOf: second))
        let set = try ConceptModulationSet.read(from: first, fingerprint: nil, width: 128, layers: 4)
        #expect(set.concepts.map(\.word) == ["star", "striped"] && set.caption == Self.caption)
        #expect(set.concepts.allSatisfy { $0.delta.shape == [128] && $0.blockDeltas == nil })
        #expect(set.concepts.contains { $0.delta.scalars.contains { $0 != 0 } })

        let other = folder.file("c.safetensors")
        try learn(caption: "a small red striped star on a teal background", words: ["teal"], out: other)
        let plain = folder.file("plain.png"), composed = folder.file("composed.png")
        try generate([Self.path(first) + ":star"], prompt: "a large blue dotted star on a teal background", out: plain)
        try generate([Self.path(first) + ":star", Self.path(other)], prompt: "a large blue dotted star on a teal background", out: composed)
        #expect(try PNGCodec.read(contentsOf: plain).width == 32)
        #expect(try Data(contentsOf: plain) != Data(contentsOf: composed))
    }

    @Test("a word's tokens are found in the prompt as the generator reads it")
    func wordSpans() throws {
        let pipeline = try BundledWorld.directory()
        let encoder = try TextEncoderLoader.load(directory: pipeline.appending(path: "text_encoder"))
        let template = try QwenImagePipelineFolder.defaults(of: pipeline).promptTemplate
        let prompt = "a small red striped star on a red background"
        let states = try PromptEncoder(encoder: encoder, template: template).encode([prompt]).embeddings
        let spans = try PromptWords.spans(of: "red", in: prompt, template: template, tokenize: encoder.tokenize)
        #expect(spans.count == 2 && spans.allSatisfy { !$0.isEmpty && $0.upperBound <= states.shape[1] })
        let tokens = try encoder.tokenize(template.filled(with: prompt))
        let dropped = try template.droppedTokenCount(tokenize: encoder.tokenize)
        #expect(Array(tokens[(spans[0].lowerBound + dropped)..<(spans[0].upperBound + dropped)]) == (try encoder.tokenize(" red")))
        #expect(throws: PersonalizationError.wordNotInPrompt(word: "re", prompt: prompt)) {
            try PromptWords.spans(of: "re", in: prompt, template: template, tokenize: encoder.tokenize)
        }
    }

    @Test("a concept word absent from the caption fails before learning and leaves no file")
    func wordNotInCaption() throws {
        let out = folder.file("x.safetensors")
        #expect(throws: PersonalizationError.wordNotInPrompt(word: "heart", prompt: Self.caption)) {
            try learn(words: ["heart"], out: out)
        }
        #expect(!FileManager.default.fileExists(atPath: Self.path(out)))
    }

    @Test("an image of the wrong size or not a PNG is a typed error")
    func badImages() throws {
        let small = folder.file("small.png"), text = folder.file("notes.png"), out = folder.file("x.safetensors")
        try PNGCodec.write(try Image(width: 16, height: 16, layout: .rgb, pixels: [UInt8](repeating: 9, count: 16 * 16 * 3)), to: small)
        try Data("not an image".utf8).write(to: text)
        #expect(throws: PersonalizationError.wrongImageSize(file: Self.path(small), expected: "32×32", found: "16×16")) {
            try learn(image: small, out: out)
        }
        #expect {
            try learn(image: text, out: out)
        } throws: { error in
            guard case .unreadableImage(let file, _) = error as? PersonalizationError else { return false }
            return file == Self.path(text)
        }
        #expect(!FileManager.default.fileExists(atPath: Self.path(out)))
    }

    @Test("a Δ file of another generator, a malformed one, or a word the prompt lacks fail with no image written")
    func badDeltaFiles() throws {
        let out = folder.file("image.png")
        let foreign = folder.file("foreign.safetensors")
        try ConceptModulationSet(
            concepts: [ConceptModulation(word: "star", delta: .zeros([128]))], caption: Self.caption, generatorFingerprint: "0123"
        ).write(to: foreign, layers: 4)
        #expect {
            try generate([Self.path(foreign)], prompt: Self.caption, out: out)
        } throws: { error in
            guard case .fingerprintMismatch(let file, _, let found) = error as? PersonalizationError else { return false }
            return file == Self.path(foreign) && found == "0123"
        }

        let garbage = folder.file("garbage.safetensors"), bare = folder.file("bare.safetensors")
        try Data("garbage".utf8).write(to: garbage)
        try SafetensorsWriter.write([SafetensorsEntry("delta.0", Tensor.zeros([128]))], to: bare)
        for (file, key) in [(garbage, "header"), (bare, "__metadata__.\(ConceptModulationSet.metadataKey)")] {
            #expect {
                try generate([Self.path(file)], prompt: Self.caption, out: out)
            } throws: { error in
                guard case .malformedModulationFile(let name, let found, _) = error as? PersonalizationError else { return false }
                return name == Self.path(file) && found == key
            }
        }

        let learned = folder.file("learned.safetensors")
        try learn(out: learned)
        let set = try ConceptModulationSet.read(from: learned, fingerprint: nil, width: 128, layers: 4)
        var misshapen = set
        misshapen.concepts[0].delta = .zeros([64])
        let wrongShape = folder.file("shape.safetensors")
        try misshapen.write(to: wrongShape, layers: 4)
        #expect(throws: PersonalizationError.malformedModulationFile(
            file: Self.path(wrongShape), key: "width/layers", reason: "expected 128/4, found 64/4")) {
            try generate([Self.path(wrongShape)], prompt: Self.caption, out: out)
        }
        let prompt = "a large blue dotted heart on a teal background"
        #expect(throws: PersonalizationError.wordNotInPrompt(word: "star", prompt: prompt)) {
            try generate([Self.path(learned)], prompt: prompt, out: out)
        }
        #expect(throws: PersonalizationError.duplicateWord(word: "star", files: [Self.path(learned), Self.path(learned)])) {
            try generate([Self.path(learned), Self.path(learned) + ":star"], prompt: Self.caption, out: out)
        }
        #expect(throws: PersonalizationError.invalidSetting(
            name: "--concept \(Self.path(learned)):heart", expected: "words of the file (star, striped)", found: "\"heart\"")) {
            try generate([Self.path(learned) + ":heart"], prompt: Self.caption, out: out)
        }
        #expect(!FileManager.default.fileExists(atPath: Self.path(out)))
    }
}
