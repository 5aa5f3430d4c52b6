import Foundation
import ModelIO
import Tensors

/// The Δ file (safetensors): `delta.{i}` `[D]` and, when learned per block, `block_delta.{i}`
/// `[layers, D]` for concept i, Float32; `__metadata__["mokus_tokenverse"]` holds the JSON
/// `{"format": 1, "words": [...], "caption": ..., "generator_fingerprint": ..., "width": D, "layers": N}`.
extension ConceptModulationSet {
    /// The metadata key of the file's description.
    public static let metadataKey = "mokus_tokenverse"

    struct Header: Codable, Equatable, VersionedHeader {
        var format: Int
        var words: [String]
        var caption: String
        var generatorFingerprint: String
        var width: Int
        var layers: Int

        enum CodingKeys: String, CodingKey {
            case format, words, caption, width, layers
            case generatorFingerprint = "generator_fingerprint"
        }
    }

    /// Writes the file atomically (temporary file, then rename).
    ///
    /// - Parameter layers: the generator's block count (recorded, and the first axis of every Δ_ℓ).
    public func write(to url: URL, layers: Int) throws {
        let header = Header(
            format: 1, words: concepts.map(\.word), caption: caption, generatorFingerprint: generatorFingerprint,
            width: concepts.first?.delta.count ?? 0, layers: layers)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var entries: [SafetensorsEntry] = []
        for (index, concept) in concepts.enumerated() {
            entries.append(SafetensorsEntry("delta.\(index)", concept.delta))
            if let blocks = concept.blockDeltas { entries.append(SafetensorsEntry("block_delta.\(index)", blocks)) }
        }
        try SafetensorsWriter.write(
            entries, to: url, metadata: [Self.metadataKey: String(decoding: try encoder.encode(header), as: UTF8.self)])
    }

    /// Reads a Δ file and checks it against the generator it will be used with.
    ///
    /// - Parameters:
    ///   - fingerprint: the generator's fingerprint; nil skips the check.
    ///   - width: the generator's width D; `layers`: its block count.
    /// - Throws: ``PersonalizationError/malformedModulationFile(file:key:reason:)`` for a file that
    ///   is not safetensors, lacks or garbles the metadata, or holds a missing, misshapen or
    ///   non-finite Δ; ``PersonalizationError/fingerprintMismatch(file:expected:found:)`` for a file
    ///   learned on another generator.
    public static func read(from url: URL, fingerprint: String?, width: Int, layers: Int) throws -> ConceptModulationSet {
        let opened = try PersonalizationFile<Header>(url: url, metadataKey: metadataKey, writer: "mokus tokenverse learn")
        let (path, header, malformed) = (opened.path, opened.header, opened.malformed)
        if let fingerprint, header.generatorFingerprint != fingerprint {
            throw PersonalizationError.fingerprintMismatch(file: path, expected: fingerprint, found: header.generatorFingerprint)
        }
        guard !header.words.isEmpty else { throw malformed("words", "expected at least one word, found none") }
        guard header.width == width, header.layers == layers else {
            throw malformed("width/layers", "expected \(width)/\(layers), found \(header.width)/\(header.layers)")
        }
        let concepts = try header.words.enumerated().map { index, word -> ConceptModulation in
            guard let delta = try opened.tensor("delta.\(index)", shape: [width]) else {
                throw malformed("delta.\(index)", "missing (the Δ of \"\(word)\")")
            }
            return ConceptModulation(word: word, delta: delta, blockDeltas: try opened.tensor("block_delta.\(index)", shape: [layers, width]))
        }
        return ConceptModulationSet(concepts: concepts, caption: header.caption, generatorFingerprint: header.generatorFingerprint)
    }
}
