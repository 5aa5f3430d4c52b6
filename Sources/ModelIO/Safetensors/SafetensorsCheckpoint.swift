import Foundation
import Tensors

/// The safetensors weights of a checkpoint directory, possibly sharded, addressed by tensor name.
///
/// Which files are read (the order of mlx-swift-lm's `safetensorWeightURLs`, with the index made
/// strict):
/// 1. `model.safetensors.index.json` (or diffusers' `diffusion_pytorch_model.safetensors.index.json`)
///    when present: its `weight_map` decides, tensor by tensor,
///    which shard holds what. The index must be well formed, every shard it names must exist, and
///    every tensor it lists must be in that shard; otherwise opening throws (a broken index is an
///    error here, not a reason to guess). Tensors present in a shard but absent from the index
///    are ignored, as transformers does.
/// 2. Otherwise `model.safetensors`, alone.
/// 3. Otherwise every `*.safetensors` file at the top level of the directory (subdirectories are
///    not searched), in file-name order; a tensor name appearing in two files is an error.
///
/// All files are mapped and their headers validated when the checkpoint opens; no tensor data is
/// read until asked for.
///
/// ```swift
/// let checkpoint = try SafetensorsCheckpoint(directory: modelDirectory)
/// let info = try checkpoint.info(named: "model.norm.weight")   // dtype, shape; no data read
/// let norm = try checkpoint.tensor(named: "model.norm.weight") // Float32
/// ```
public final class SafetensorsCheckpoint: Sendable {
    /// The directory it was opened from.
    public let directory: URL
    /// The opened files, in the order described above (index shards sorted by file name).
    public let files: [SafetensorsFile]
    /// Every tensor name, sorted.
    public let names: [String]

    /// Tensor name → position in `files`.
    private let location: [String: Int]

    /// Opens the checkpoint in `directory`.
    ///
    /// - Throws: ``ModelIOError/malformedIndex(index:reason:)``,
    ///   ``ModelIOError/missingShard(index:shard:)``, ``ModelIOError/tensorNotInShard(index:tensor:shard:)``,
    ///   ``ModelIOError/duplicateTensor(tensor:files:)``, ``ModelIOError/noSafetensorsFiles(directory:)``,
    ///   ``ModelIOError/fileNotReadable(file:reason:)``, or any error of ``SafetensorsFile/init(url:)``.
    public init(directory: URL) throws {
        self.directory = directory
        let indexURL = SafetensorsIndex.readableFileNames.lazy.map { directory.appending(path: $0) }
            .first { FileManager.default.fileExists(atPath: $0.path(percentEncoded: false)) }
        if let indexURL {
            (files, location) = try Self.openIndexed(indexURL, in: directory)
        } else {
            (files, location) = try Self.openUnindexed(Self.weightFiles(in: directory))
        }
        names = location.keys.sorted()
    }

    /// The file holding tensor `name`.
    ///
    /// - Throws: ``ModelIOError/tensorNotFound(file:tensor:suggestions:)`` naming the directory.
    public func file(containing name: String) throws -> SafetensorsFile {
        guard let position = location[name] else {
            throw ModelIOError.tensorNotFound(
                file: directory.path(percentEncoded: false), tensor: name,
                suggestions: EditDistance.suggestions(for: name, among: names))
        }
        return files[position]
    }

    /// Whether some file of the checkpoint holds tensor `name`.
    public func contains(_ name: String) -> Bool { location[name] != nil }

    /// Dtype, shape and byte range of tensor `name`, without reading its data.
    public func info(named name: String) throws -> SafetensorsTensorInfo {
        try file(containing: name).info(named: name)
    }

    /// Tensor `name` converted to Float32; see ``SafetensorsFile/tensor(named:)``.
    public func tensor(named name: String) throws -> Tensor {
        try file(containing: name).tensor(named: name)
    }

    /// The stored bytes of tensor `name`; valid while this checkpoint is alive.
    /// See ``SafetensorsFile/rawBytes(named:)``.
    public func rawBytes(named name: String) throws -> UnsafeRawBufferPointer {
        try file(containing: name).rawBytes(named: name)
    }

    // MARK: Choosing and opening files

    private static func openIndexed(_ indexURL: URL, in directory: URL) throws -> ([SafetensorsFile], [String: Int]) {
        let indexPath = indexURL.path(percentEncoded: false)
        let weightMap = try SafetensorsIndex.read(from: indexURL)
        let shardNames = Set(weightMap.values).sorted()
        let files = try shardNames.map { shard in
            let url = directory.appending(path: shard)
            guard FileManager.default.fileExists(atPath: url.path(percentEncoded: false)) else {
                throw ModelIOError.missingShard(index: indexPath, shard: shard)
            }
            return try SafetensorsFile(url: url)
        }
        let position = Dictionary(uniqueKeysWithValues: shardNames.enumerated().map { ($1, $0) })
        var location: [String: Int] = [:]
        for (tensor, shard) in weightMap.sorted(by: { $0.key < $1.key }) {
            guard let index = position[shard], files[index].contains(tensor) else {
                throw ModelIOError.tensorNotInShard(index: indexPath, tensor: tensor, shard: shard)
            }
            location[tensor] = index
        }
        return (files, location)
    }

    private static func openUnindexed(_ urls: [URL]) throws -> ([SafetensorsFile], [String: Int]) {
        let files = try urls.map(SafetensorsFile.init(url:))
        var location: [String: Int] = [:]
        for (index, file) in files.enumerated() {
            for name in file.names {
                if let earlier = location[name] {
                    throw ModelIOError.duplicateTensor(tensor: name, files: [files[earlier].path, file.path])
                }
                location[name] = index
            }
        }
        return (files, location)
    }

    /// `model.safetensors` if present, else every top-level `*.safetensors`, sorted by name.
    private static func weightFiles(in directory: URL) throws -> [URL] {
        let path = directory.path(percentEncoded: false)
        let single = directory.appending(path: "model.safetensors")
        if FileManager.default.fileExists(atPath: single.path(percentEncoded: false)) { return [single] }
        let contents: [String]
        do {
            contents = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw ModelIOError.fileNotReadable(file: path, reason: ErrorText.reason(error))
        }
        let weights = contents.filter { $0.hasSuffix(".safetensors") }.sorted()
        guard !weights.isEmpty else { throw ModelIOError.noSafetensorsFiles(directory: path) }
        return weights.map { directory.appending(path: $0) }
    }
}
