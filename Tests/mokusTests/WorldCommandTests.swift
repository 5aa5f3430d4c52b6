import Foundation
import Imaging
import KnowledgeEditing
import TestSupport
import Testing
import World
@testable import mokus

/// `mokus world render`, parsed and run in-process.
@Suite("mokus world render")
struct WorldCommandTests {
    @Test("render writes images, masks, captions.jsonl, facts.json and world.json, atomically replacing --out")
    func render() throws {
        let directory = try TemporaryDirectory(label: "mokus-world")
        let out = directory.file("renders")
        let grid = directory.file("grid.png")
        let arguments = ["--out", out.path(percentEncoded: false), "--count", "12", "--seed", "3", "--quiet",
                         "--grid", grid.path(percentEncoded: false), "--grid-count", "10"]
        try Mokus.WorldCommand.Render.parse(arguments).run()

        let image = try PNGCodec.read(contentsOf: out.appending(path: "images/00011.png"))
        #expect(image.width == 32 && image.height == 32 && image.layout == .rgb)
        let mask = try PNGCodec.read(contentsOf: out.appending(path: "masks/00011.png"))
        #expect(mask.layout == .gray && Set(mask.pixels).isSubset(of: [0, 255]) && mask.pixels.contains(255))
        let lines = try String(contentsOf: out.appending(path: "captions.jsonl"), encoding: .utf8)
            .split(separator: "\n")
        #expect(lines.count == 12)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["file"] as? String == "images/00000.png")
        #expect((first["attributes"] as? [String: String])?.keys.sorted() == ["colour", "pattern", "shape", "size"])
        let world = try World.generate()
        let expected = world.captions(count: 12, seed: 3)
        #expect(first["caption"] as? String == expected[0].text)
        #expect(first["background"] as? String == expected[0].scene.background.rawValue)
        #expect(try Renderer.render(expected[11].scene).image == image)
        let facts = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appending(path: "facts.json"))) as? [Any])
        #expect(facts.count == world.facts.count)
        #expect(try World.load(from: out) == world)
        let sheet = try PNGCodec.read(contentsOf: grid)
        #expect(sheet.width == 8 * 96 + 7 * 6 && sheet.height == 2 * 96 + 6)

        // A second run replaces the folder and leaves no temporary siblings behind.
        try Mokus.WorldCommand.Render.parse(["--out", out.path(percentEncoded: false), "--count", "2", "--quiet"]).run()
        #expect(try String(contentsOf: out.appending(path: "captions.jsonl"), encoding: .utf8).split(separator: "\n").count == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path(percentEncoded: false)).sorted()
            == ["grid.png", "renders"])
    }

    @Test("the world's edit requests read back through EditRequestFile as EasyEdit records")
    func editRequests() throws {
        let world = try World.generate()
        let records = try world.editRequests(count: 5, seed: 1)
        let file = try EditRequestFile(data: try JSONEncoder().encode(records), path: "requests.json")
        #expect(file.layout == .easyEdit)
        #expect(file.requests.count == 5)
        let request = file.requests[0]
        #expect(request.prompt == records[0].prompt && request.subject == records[0].subject)
        #expect(request.targetNew == records[0].targetNew && request.groundTruth == records[0].groundTruth)
        #expect(request.rephrasePrompts == [records[0].rephrasePrompt])
        #expect(request.locality["neighborhood"]?.map(\.answer) == records[0].locality.neighborhood.groundTruth)
    }

    @Test("a corrupted --world is a typed error; bad counts are rejected")
    func badInput() throws {
        let directory = try TemporaryDirectory(label: "mokus-world")
        try Data("[]".utf8).write(to: directory.file("world.json"))
        let command = try Mokus.WorldCommand.Render.parse(
            ["--out", directory.file("out").path(percentEncoded: false), "--world", directory.url.path(percentEncoded: false)])
        #expect(throws: WorldError.self) { try command.run() }
        #expect(!FileManager.default.fileExists(atPath: directory.file("out").path(percentEncoded: false)))
        #expect(throws: (any Error).self) { try Mokus.WorldCommand.Render.parse(["--out", "x", "--count", "0"]) }
    }
}
