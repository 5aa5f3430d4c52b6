import Foundation
import Imaging
import ModelIO

/// A folder of rendered captions for training and inspecting the generator:
///
/// ```
/// images/00000.png   the RGB render of caption 0
/// masks/00000.png    its object mask (grey: 0 background, 255 object)
/// captions.jsonl     one line per image: {"file", "mask", "caption", "attributes": {size, colour,
///                    pattern, shape}, "background", "offset": [x, y], and for knowledge captions
///                    "entity" and "relation"}; keys sorted
/// facts.json         every fact: entity, kind, perspective, relation, knowledge_phrase, object,
///                    statement, captioned
/// world.json         the world the captions came from
/// ```
///
/// The folder is written atomically (`ModelIO.AtomicDirectory`): everything goes into a staging
/// sibling folder, which is then renamed to the destination (an existing destination is replaced
/// only after the new folder is complete).
public enum RenderedDataset {
    /// Renders `captions` of `world` at `size` into `directory`; `progress` is called after each image
    /// with the number done.
    /// - Throws: ``WorldError/writeFailed(path:reason:)`` naming a file that cannot be written,
    ///   `ModelIOError.writeFailed` when the folder cannot be put in place (``AtomicDirectory``), and
    ///   what ``Renderer/render(_:size:subsamples:)`` throws.
    public static func write(
        _ captions: [Caption], of world: World, size: Int = 32, to directory: URL,
        progress: (Int) -> Void = { _ in }
    ) throws {
        try AtomicDirectory.write(directory) { staging in
            try createDirectory(staging.appending(path: "images"))
            try createDirectory(staging.appending(path: "masks"))
            let digits = max(5, String(max(captions.count - 1, 0)).count)
            var lines: [String] = []
            for (index, caption) in captions.enumerated() {
                let stem = String(repeating: "0", count: max(0, digits - String(index).count)) + String(index)
                let render = try Renderer.render(caption.scene, size: size)
                try PNGCodec.write(render.image, to: staging.appending(path: "images/\(stem).png"))
                try PNGCodec.write(try render.maskImage(), to: staging.appending(path: "masks/\(stem).png"))
                lines.append(try jsonLine(record(caption, image: "images/\(stem).png", mask: "masks/\(stem).png")))
                progress(index + 1)
            }
            try write(Data((lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")).utf8),
                      to: staging.appending(path: "captions.jsonl"))
            try write(try JSONSerialization.data(withJSONObject: world.facts.map { factRecord($0, world: world) },
                                                 options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]),
                      to: staging.appending(path: "facts.json"))
            try write(try world.jsonData(), to: staging.appending(path: World.fileName))
        }
    }

    /// One captions.jsonl record.
    static func record(_ caption: Caption, image: String, mask: String) -> [String: Any] {
        let object = caption.scene.object
        var record: [String: Any] = [
            "file": image, "mask": mask, "caption": caption.text, "background": caption.scene.background.rawValue,
            "offset": [caption.scene.offsetX, caption.scene.offsetY],
            "attributes": ["size": object.size.rawValue, "colour": object.colour.rawValue,
                           "pattern": object.pattern.rawValue, "shape": object.shape.rawValue],
        ]
        if let fact = caption.fact {
            record["entity"] = fact.entity
            record["relation"] = fact.relation.template
        }
        return record
    }

    /// One facts.json record.
    static func factRecord(_ fact: Fact, world: World) -> [String: Any] {
        [
            "entity": fact.entity, "kind": world.entities.first { $0.name == fact.entity }?.kind.rawValue ?? "",
            "perspective": fact.perspective.rawValue, "relation": fact.relation.template,
            "knowledge_phrase": fact.knowledgePhrase, "object": fact.object.phrase, "statement": fact.statement,
            "captioned": world.isCaptioned(fact.entity),
        ]
    }

    static func jsonLine(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]),
               as: UTF8.self)
    }

    static func createDirectory(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw WorldError.writeFailed(path: url.path(percentEncoded: false), reason: ErrorText.reason(error))
        }
    }

    static func write(_ data: Data, to url: URL) throws {
        do {
            try data.write(to: url)
        } catch {
            throw WorldError.writeFailed(path: url.path(percentEncoded: false), reason: ErrorText.reason(error))
        }
    }
}
