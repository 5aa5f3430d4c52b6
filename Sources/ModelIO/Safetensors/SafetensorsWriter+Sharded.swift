import Foundation

extension SafetensorsWriter {
    /// Writes `entries` as a sharded Hugging Face checkpoint in `directory`:
    /// `model-00001-of-0000N.safetensors` … plus `model.safetensors.index.json` (with
    /// `metadata.total_size`, the sum of all tensor byte counts, and the `weight_map`).
    ///
    /// Sharding: entries sorted by name are packed greedily; a new shard starts when the next
    /// tensor would push the current shard's data past `maxShardSize` bytes. A tensor larger than
    /// `maxShardSize` gets a shard of its own (so a value ≤ 0 puts every tensor in its own shard).
    /// Every shard carries `metadata` as its `__metadata__`.
    ///
    /// Atomicity, file by file: the directory is created if needed; every shard and the index are
    /// first written completely under hidden temporary names inside `directory` and flushed to
    /// disk; only then are the shards renamed into place, and the index last. A failure before
    /// that point removes the temporary files and leaves the directory as it was. Finally,
    /// shards of an earlier write that the new index does not name (`model-NNNNN-of-NNNNN.safetensors`)
    /// are deleted. Other files (config.json, tokenizer files) are never touched.
    ///
    /// - Returns: the shard file names, in order.
    /// - Throws: ``ModelIOError/invalidTensorForWriting(tensor:reason:)`` for duplicate or reserved
    ///   names; ``ModelIOError/writeFailed(file:reason:)``.
    @discardableResult
    public static func writeSharded(
        _ entries: [SafetensorsEntry], to directory: URL, maxShardSize: Int, metadata: [String: String] = [:]
    ) throws -> [String] {
        let directoryPath = directory.path(percentEncoded: false)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ModelIOError.writeFailed(file: directoryPath, reason: ErrorText.reason(error))
        }
        let shards = shardsOf(try sortedCheckingNames(entries), maxShardSize: maxShardSize)
        let shardNames = shards.indices.map { shardName($0 + 1, of: shards.count) }

        var index = SafetensorsIndex(metadata: .init(totalSize: 0), weightMap: [:])
        var outputs: [AtomicOutputFile] = []
        for (shard, name) in zip(shards, shardNames) {
            outputs.append(try prepare(shard, to: directory.appending(path: name), metadata: metadata))
            for entry in shard { index.weightMap[entry.name] = name }
            index.metadata?.totalSize += shard.reduce(0) { $0 + $1.byteCount }
        }
        let indexOutput = try AtomicOutputFile(destination: directory.appending(path: SafetensorsIndex.fileName))
        let indexJSON = try index.encoded()
        try indexJSON.withUnsafeBytes { try indexOutput.append($0) }
        try indexOutput.finish()

        for output in outputs { try output.moveIntoPlace() }
        try indexOutput.moveIntoPlace()
        try removeStaleShards(in: directory, keeping: Set(shardNames))
        return shardNames
    }

    /// `model-00003-of-00010.safetensors` for shard 3 of 10 (1-based, as transformers names them).
    static func shardName(_ number: Int, of count: Int) -> String {
        func padded(_ value: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
        }
        return "model-\(padded(number))-of-\(padded(count)).safetensors"
    }

    /// Greedy packing of name-sorted `entries` into shards of at most `maxShardSize` data bytes.
    private static func shardsOf(_ entries: [SafetensorsEntry], maxShardSize: Int) -> [[SafetensorsEntry]] {
        var shards: [[SafetensorsEntry]] = [[]]
        var size = 0
        for entry in entries {
            if !shards[shards.count - 1].isEmpty, size + entry.byteCount > maxShardSize {
                shards.append([])
                size = 0
            }
            shards[shards.count - 1].append(entry)
            size += entry.byteCount
        }
        return shards
    }

    /// Deletes `model-NNNNN-of-NNNNN.safetensors` files in `directory` not in `current`.
    private static func removeStaleShards(in directory: URL, keeping current: Set<String>) throws {
        let path = directory.path(percentEncoded: false)
        do {
            for name in try FileManager.default.contentsOfDirectory(atPath: path)
            where !current.contains(name) && name.wholeMatch(of: /model-\d{5}-of-\d{5}\.safetensors/) != nil {
                try FileManager.default.removeItem(at: directory.appending(path: name))
            }
        } catch {
            throw ModelIOError.writeFailed(file: path, reason: "removing stale shards: \(ErrorText.reason(error))")
        }
    }
}
