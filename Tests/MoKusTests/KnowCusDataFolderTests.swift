import Foundation
import Imaging
@testable import MoKus
import Tensors
import TestSupport
import Testing

/// The KnowCusBench layout reader (`mokus bench knowcus --data`): the tolerated shapes, unknown keys
/// kept, and a typed one-line error naming the file and key for every missing or malformed part.
@Suite("KnowCusBench data folder")
struct KnowCusDataFolderTests {
    /// A folder with concepts "dog" (3 images, masks for `masks`) and "cat" (2 images), the given
    /// `dataset.json` text and knowledge files (name → text).
    static func folder(
        dataset: String?, knowledge: [String: String] = ["dog.txt": "my birthday gift\n# a comment\n\nmy lucky charm\n"],
        masks: [String] = [], checkpoint: Bool = false
    ) throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory(label: "knowcus-data")
        let fm = FileManager.default
        for (name, count) in [("dog", 3), ("cat", 2)] {
            let images = folder.file("concept_image/\(name)")
            try fm.createDirectory(at: images, withIntermediateDirectories: true)
            for i in 0..<count {
                try PNGCodec.write(try Image(width: 4, height: 4, layout: .rgb, filledWith: [UInt8(40 * i), 100, 200]),
                                   to: images.appending(path: "\(i).png"))
            }
        }
        for (i, name) in masks.enumerated() {
            let mask = folder.file("concept_image/dog/mask")
            try fm.createDirectory(at: mask, withIntermediateDirectories: true)
            let pixels = (0..<16).map { $0 % 4 < 2 ? UInt8(255) : UInt8(i == 0 ? 0 : 255) }
            try PNGCodec.write(try Image(width: 4, height: 4, layout: .gray, pixels: pixels), to: mask.appending(path: name))
        }
        if let dataset { _ = try folder.write(Data(dataset.utf8), to: "concept_image/dataset.json") }
        try fm.createDirectory(at: folder.file("knowledge_data"), withIntermediateDirectories: true)
        for (name, text) in knowledge { _ = try folder.write(Data(text.utf8), to: "knowledge_data/\(name)") }
        if checkpoint { try fm.createDirectory(at: folder.file("visual_ckpt/dog"), withIntermediateDirectories: true) }
        return folder
    }

    static func read(_ folder: TemporaryDirectory) throws -> KnowCusSuite {
        try KnowCusDataFolder.suite(folder: folder.url, width: 4, height: 4)
    }

    static let keyed = """
        {"dog": {"class": "dog", "source": "DreamBench", "prompts": {"background change": ["a {0} {1} on the beach"],
                 "style": "a watercolour painting of {}"}}}
        """

    @Test("an object keyed by concept: grouped prompts, DreamBench placeholders, a .txt knowledge file, unknown keys kept")
    func readsKeyedObject() throws {
        let folder = try Self.folder(dataset: Self.keyed, masks: ["0.png", "1.png", "2.png"])
        let suite = try Self.read(folder)
        #expect(suite.concepts.count == 1)
        let dog = suite.concepts[0]
        #expect(dog.name == "dog" && dog.anchor == "sks dog")
        #expect(dog.images.shape == [3, 3, 4, 4])
        #expect(dog.masks?.shape == [3, 1, 4, 4])
        #expect(dog.masks?.slice(axis: 0, 0..<1).scalars == (0..<16).map { $0 % 4 < 2 ? 1 : 0 })
        #expect(dog.knowledge.map(\.text) == ["my birthday gift", "my lucky charm"])
        #expect(dog.prompts.map(\.template) == ["{}", "a {} on the beach", "a watercolour painting of {}"])
        #expect(dog.prompts.map(\.kind) == [.reconstruction, .background, .style])
        #expect(dog.prompts.allSatisfy { $0.expected.isEmpty && $0.requested.isEmpty })
        #expect(dog.unknownKeys == ["concept_image/dataset.json:dog.source": "\"DreamBench\""])
        #expect(dog.visualCheckpoint == nil)
    }

    @Test("a list of per-prompt records merged per concept; JSON knowledge by perspective under a wrapper key")
    func readsRecordList() throws {
        let dataset = """
            [{"concept": "cat", "prompt": "{} in the snow", "type": "background", "seed": 3},
             {"concept": "cat", "prompt": "a cubist {}", "type": "style_change"},
             {"concept": "cat", "prompt": "{} wearing a hat", "type": "new object"}]
            """
        let knowledge = #"{"knowledge": {"emotion": "my comfort", "origin": ["the gift from Rome", "my souvenir"]}, "id": 7}"#
        let suite = try Self.read(try Self.folder(dataset: dataset, knowledge: ["cat.json": knowledge]))
        let cat = suite.concepts[0]
        #expect(cat.anchor == "sks cat")
        #expect(cat.prompts.map(\.kind) == [.reconstruction, .background, .style, .newObject])
        #expect(cat.knowledge == [
            .init(text: "my comfort", perspective: "emotion"), .init(text: "the gift from Rome", perspective: "origin"),
            .init(text: "my souvenir", perspective: "origin"),
        ])
        #expect(cat.unknownKeys == ["concept_image/dataset.json:[0].seed": "3", "knowledge_data/cat.json:id": "7"])
    }

    /// `(dataset.json, knowledge files, masks, checkpoint folder) → (file suffix, key)` of the error.
    static let bad: [(String?, [String: String], [String], Bool, String, String)] = [
        (nil, [:], [], false, "concept_image/dataset.json", ""),
        ("{not json", [:], [], false, "concept_image/dataset.json", ""),
        ("42", [:], [], false, "concept_image/dataset.json", ""),
        (#"[{"prompt": "{}", "type": "style"}]"#, [:], [], false, "concept_image/dataset.json", "[0].concept"),
        (#"{"dog": {"prompts": ["{} at night"]}}"#, ["dog.txt": "my gift"], [], false, "concept_image/dataset.json", "dog.prompts[0]"),
        (#"{"dog": {"prompts": {"style": ["a painting"]}}}"#, ["dog.txt": "my gift"], [], false, "concept_image/dataset.json",
         "dog.prompts.style[0]"),
        (#"{"dog": {"prompts": {"lighting": ["{} at dusk"]}}}"#, ["dog.txt": "my gift"], [], false, "concept_image/dataset.json",
         "dog.prompts.lighting[0]"),
        (#"{"dog": {"class": 3}}"#, [:], [], false, "concept_image/dataset.json", "dog.class"),
        (#"{"cat": {}}"#, [:], [], false, "knowledge_data/cat.json", ""),
        (#"{"cat": {}}"#, ["cat.json": #"[{"perspective": "value"}]"#], [], false, "knowledge_data/cat.json", "[0]"),
        (#"{"cat": {}}"#, ["cat.json": #"["my gift", "  "]"#], [], false, "knowledge_data/cat.json", "[1]"),
        (#"{"cat": {}}"#, ["cat.txt": "# only a comment\n"], [], false, "concept_image/dataset.json", "cat"),
        (#"{"dog": {}}"#, [:], ["0.png", "1.png", "9.png"], false, "concept_image/dog/mask/2.png", ""),
        (#"{"dog": {}}"#, [:], [], true, "visual_ckpt/dog/pytorch_lora_weights.safetensors", ""),
    ]

    @Test("every missing or malformed part is a typed one-line error naming the file and key", arguments: bad.indices)
    func refusesBadInput(index: Int) throws {
        let (dataset, knowledge, masks, checkpoint, file, key) = Self.bad[index]
        let folder = try Self.folder(dataset: dataset, knowledge: knowledge.isEmpty ? ["dog.txt": "my gift"] : knowledge,
                                     masks: masks, checkpoint: checkpoint)
        do {
            _ = try Self.read(folder)
            Issue.record("case \(index) was accepted")
        } catch MoKusError.invalidBenchmarkData(let found, let foundKey, let expected, let what) {
            #expect(found.hasSuffix(file), "case \(index): \(found)")
            #expect(foundKey == key, "case \(index): \(foundKey)")
            let message = "\(MoKusError.invalidBenchmarkData(file: found, key: foundKey, expected: expected, found: what))"
            #expect(!message.contains("\n") && message.hasPrefix(found))
        }
    }

    @Test("limited keeps the first concepts, statements and images (with their masks)")
    func limits() throws {
        let folder = try Self.folder(dataset: Self.keyed, masks: ["0.png", "1.png", "2.png"])
        let limited = try Self.read(folder).limited(concepts: 1, statements: 1, images: 2)
        #expect(limited.concepts[0].knowledge.count == 1)
        #expect(limited.concepts[0].images.shape[0] == 2 && limited.concepts[0].masks?.shape[0] == 2)
        #expect(try Self.read(folder).limited(concepts: nil, statements: nil, images: nil).concepts[0].knowledge.count == 2)
    }
}
