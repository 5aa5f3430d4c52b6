import Foundation

/// `model.safetensors.index.json`, the Hugging Face index of a sharded checkpoint:
/// `{"metadata": {"total_size": <bytes>}, "weight_map": {<tensor name>: <shard file name>}}`.
///
/// Reading needs only `weight_map` (other metadata fields, which vary between writers, are
/// ignored); writing produces both fields.
struct SafetensorsIndex: Codable, Equatable {
    /// The conventional file name inside a checkpoint directory (transformers); written by us.
    static let fileName = "model.safetensors.index.json"
    /// Index names read, in order of preference: transformers', then diffusers' (a sharded
    /// `diffusion_pytorch_model-0000i-of-0000n.safetensors` component).
    static let readableFileNames = [fileName, "diffusion_pytorch_model.safetensors.index.json"]

    struct Metadata: Codable, Equatable {
        /// Sum of the byte counts of all tensors (data only, no headers), as transformers writes it.
        var totalSize: Int

        enum CodingKeys: String, CodingKey { case totalSize = "total_size" }
    }

    var metadata: Metadata?
    /// Tensor name → shard file name, relative to the index's directory.
    var weightMap: [String: String]

    enum CodingKeys: String, CodingKey {
        case metadata
        case weightMap = "weight_map"
    }

    /// Decodes the index at `url`.
    ///
    /// - Throws: ``ModelIOError/malformedIndex(index:reason:)`` when it is not JSON or lacks a
    ///   `weight_map` of strings; ``ModelIOError/fileNotReadable(file:reason:)`` when unreadable.
    static func read(from url: URL) throws -> [String: String] {
        let path = url.path(percentEncoded: false)
        let data = try FileContents.read(url)
        do {
            return try JSONDecoder().decode(WeightMapOnly.self, from: data).weightMap
        } catch let error as DecodingError {
            throw ModelIOError.malformedIndex(index: path, reason: error.summary)
        } catch {
            throw ModelIOError.malformedIndex(index: path, reason: "\(error)")
        }
    }

    /// The index as pretty-printed JSON with sorted keys (stable output for identical input).
    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    private struct WeightMapOnly: Decodable {
        let weightMap: [String: String]
        enum CodingKeys: String, CodingKey { case weightMap = "weight_map" }
    }
}
