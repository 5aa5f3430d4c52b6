import Foundation
import Imaging
import Tensors

/// The published KnowCusBench folder (`zcaoyao/KnowCusBench`, reference A.8) as a ``KnowCusSuite``
/// (`mokus bench knowcus --data DIR`). The dataset's file contents are unpublished, so the reader
/// is tolerant and its assumptions are written down (docs/benchmark-knowcus.md, "The published layout"):
///
/// ```
/// DIR/concept_image/dataset.json                 concepts and their prompts (KnowCusDataJSON)
/// DIR/concept_image/<concept>/*.png|jpg          the concept images (sub-folders skipped)
/// DIR/concept_image/<concept>/mask/<same name>   optional object masks (white = object)
/// DIR/knowledge_data/<concept>.json | .txt       the statements (or a `knowledge` key in dataset.json)
/// DIR/visual_ckpt/<concept>/pytorch_lora_weights.safetensors   optional stage-1 LoRA (diffusers/PEFT)
/// ```
///
/// Every concept gets the reconstruction prompt `{}` first, then its prompts in file order.
/// Prompts carry no expected attributes (the published data has no attribute labels), so text
/// alignment and attribute accuracy are not computed on such a suite.
public enum KnowCusDataFolder {
    public static let imageFolder = "concept_image"
    public static let datasetFile = "concept_image/dataset.json"
    public static let knowledgeFolder = "knowledge_data"
    public static let checkpointFolder = "visual_ckpt"
    public static let checkpointFile = "pytorch_lora_weights.safetensors"
    /// The optional mask folder inside a concept's image folder.
    public static let maskFolder = "mask"

    /// Reads the suite, images scaled to `width × height` as ``ConceptImages`` does (masks likewise,
    /// a pixel object when its mean channel is above ½).
    ///
    /// - Throws: ``MoKusError/invalidBenchmarkData(file:key:expected:found:)`` naming the file and key
    ///   for a missing or malformed file, ``MoKusError/emptyImageFolder(folder:reason:)`` and
    ///   ``MoKusError/unreadableImage(file:reason:)`` for the images.
    public static func suite(folder: URL, width: Int, height: Int) throws -> KnowCusSuite {
        let datasetURL = folder.appending(path: datasetFile)
        let json = KnowCusDataJSON(file: datasetURL.path(percentEncoded: false))
        let entries = try json.concepts(try json.parse(try read(datasetURL, what: "the dataset file")))
        let concepts = try entries.map { entry in
            let images = folder.appending(path: imageFolder).appending(path: entry.folder ?? entry.name)
            let pixels = try ConceptImages.read(folder: images, width: width, height: height) * 0.5 + 0.5
            var unknown = Dictionary(uniqueKeysWithValues: entry.unknown.map { (datasetFile + ":" + $0.key, $0.value) })
            let knowledge = try entry.knowledge ?? statements(of: entry.name, in: folder, unknown: &unknown)
            guard !knowledge.isEmpty else {
                throw MoKusError.invalidBenchmarkData(file: json.file, key: entry.name, expected: "at least one statement", found: "none")
            }
            return KnowCusConcept(
                name: entry.name, anchor: entry.anchor ?? "sks " + (entry.className ?? entry.name),
                images: pixels, masks: try masks(in: images, count: pixels.shape[0], width: width, height: height),
                knowledge: knowledge,
                prompts: [KnowCusPrompt(kind: .reconstruction, template: "{}", expected: [:], requested: [:])] + entry.prompts,
                visualCheckpoint: try checkpoint(of: entry.name, in: folder), unknownKeys: unknown)
        }
        return KnowCusSuite(name: folder.lastPathComponent, concepts: concepts)
    }

    /// `knowledge_data/<name>.json` (``KnowCusDataJSON/statements(_:path:unknown:)``) or `<name>.txt`
    /// (one statement per line; blank lines and lines starting with `#` skipped).
    static func statements(of name: String, in folder: URL, unknown: inout [String: String]) throws -> [KnowCusStatement] {
        let base = folder.appending(path: knowledgeFolder)
        let jsonURL = base.appending(path: name + ".json")
        let textURL = base.appending(path: name + ".txt")
        if FileManager.default.fileExists(atPath: jsonURL.path(percentEncoded: false)) {
            let json = KnowCusDataJSON(file: jsonURL.path(percentEncoded: false))
            var kept: [String: String] = [:]
            let statements = try json.statements(try json.parse(try read(jsonURL, what: "a knowledge file")), path: "", unknown: &kept)
            for (key, value) in kept { unknown["\(knowledgeFolder)/\(name).json:\(key)"] = value }
            return statements
        }
        guard FileManager.default.fileExists(atPath: textURL.path(percentEncoded: false)) else {
            throw MoKusError.invalidBenchmarkData(
                file: jsonURL.path(percentEncoded: false), key: "", expected: "the knowledge of '\(name)' (\(name).json or \(name).txt)",
                found: "no such file")
        }
        let text = String(decoding: try read(textURL, what: "a knowledge file"), as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }.map { KnowCusStatement(text: $0, perspective: nil) }
    }

    /// `mask/<image name>` for each image when the concept has a mask folder, `[M, 1, H, W]` of 0 and 1; else nil.
    static func masks(in images: URL, count: Int, width: Int, height: Int) throws -> Tensor? {
        let folder = images.appending(path: maskFolder)
        guard FileManager.default.fileExists(atPath: folder.path(percentEncoded: false)) else { return nil }
        let names = try FileManager.default.contentsOfDirectory(atPath: images.path(percentEncoded: false))
            .filter { !$0.hasPrefix(".") && $0 != maskFolder }.sorted()
            .filter { !isFolder(images.appending(path: $0)) }
        guard names.count == count else {
            throw MoKusError.invalidBenchmarkData(
                file: images.path(percentEncoded: false), key: "", expected: "\(count) image files", found: "\(names.count)")
        }
        let masks = try names.map { name -> Tensor in
            let file = folder.appending(path: name)
            guard FileManager.default.fileExists(atPath: file.path(percentEncoded: false)) else {
                throw MoKusError.invalidBenchmarkData(
                    file: file.path(percentEncoded: false), key: "", expected: "the mask of image '\(name)'", found: "no such file")
            }
            let image: Image
            do {
                image = try ImageFile.read(contentsOf: file).resizedToFill(width: width, height: height)
            } catch let error as ImagingError {
                throw MoKusError.unreadableImage(file: file.path(percentEncoded: false), reason: "\(error)")
            }
            let values = image.tensor(range: .zeroToOne).mean(axes: [0]).scalars.map { $0 > 0.5 ? Float(1) : 0 }
            return Tensor(shape: [1, 1, height, width], scalars: values)
        }
        return Tensor.concat(masks, axis: 0)
    }

    /// `visual_ckpt/<name>/pytorch_lora_weights.safetensors` when `visual_ckpt/<name>/` exists.
    ///
    /// - Throws: ``MoKusError/invalidBenchmarkData(file:key:expected:found:)`` for a checkpoint folder without the file.
    static func checkpoint(of name: String, in folder: URL) throws -> URL? {
        let directory = folder.appending(path: checkpointFolder).appending(path: name)
        guard isFolder(directory) else { return nil }
        let file = directory.appending(path: checkpointFile)
        guard FileManager.default.fileExists(atPath: file.path(percentEncoded: false)) else {
            throw MoKusError.invalidBenchmarkData(
                file: file.path(percentEncoded: false), key: "", expected: "the concept's LoRA checkpoint", found: "no such file")
        }
        return file
    }

    static func isFolder(_ url: URL) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path(percentEncoded: false), isDirectory: &folder) && folder.boolValue
    }

    static func read(_ url: URL, what: String) throws -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw MoKusError.invalidBenchmarkData(file: url.path(percentEncoded: false), key: "", expected: what, found: "no readable file")
        }
    }
}
