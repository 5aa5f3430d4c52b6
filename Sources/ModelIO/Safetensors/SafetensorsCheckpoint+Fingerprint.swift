import Foundation

extension SafetensorsCheckpoint {
    /// Bytes of each sampled stretch of a file's data area (64 KiB).
    public static let fingerprintSampleBytes = 64 << 10

    /// A SHA-256 hex digest identifying these weights, cheap enough to compute at every load.
    ///
    /// Recipe (version 1). SHA-256 over, in this order:
    /// 1. the ASCII text `mokus-checkpoint-fingerprint/1` and a line feed;
    /// 2. the number of files, as a little-endian `UInt64`;
    /// 3. for each file, in ``files`` order (index shards sorted by name, or `model.safetensors`,
    ///    or the top-level `*.safetensors` sorted by name):
    ///    - the byte count of its file name (last path component, UTF-8) as a little-endian
    ///      `UInt64`, then the name's bytes;
    ///    - the file size in bytes as a little-endian `UInt64`;
    ///    - the file's first 8 + N bytes: the length prefix and the N-byte JSON header (tensor
    ///      names, dtypes, shapes, offsets, `__metadata__`);
    ///    - a sample of its data area D (the bytes after the header) with S = 64 KiB: all of D
    ///      when |D| ≤ 3·S, otherwise D[0, S), D[m, m + S) with m = ⌊(|D| − S) / 2⌋, and
    ///      D[|D| − S, |D|).
    ///
    /// Any change to a file name, a size, a header, or a sampled byte changes the digest, so a
    /// fine-tune of the same architecture (whose weights all move, sampled ones included) gets a
    /// new fingerprint. A change confined to bytes outside the samples of a large file does
    /// *not*: the fingerprint is a cheap identity for caches, not an integrity check of every
    /// weight.
    ///
    /// - Complexity: reads at most 192 KiB of data plus the header per file (a few page faults
    ///   of the mapping); independent of the checkpoint's size.
    public var fingerprint: String {
        var hasher = SHA256()
        hasher.update("mokus-checkpoint-fingerprint/1\n")
        hasher.update(littleEndian: UInt64(files.count))
        for file in files { file.updateFingerprint(&hasher) }
        return hasher.finalize()
    }
}

extension SafetensorsFile {
    /// Feeds this file's part of ``SafetensorsCheckpoint/fingerprint`` (name, size, header,
    /// sampled data) to `hasher`.
    func updateFingerprint(_ hasher: inout SHA256) {
        let name = Data(url.lastPathComponent.utf8)
        hasher.update(littleEndian: UInt64(name.count))
        hasher.update(name)
        hasher.update(littleEndian: UInt64(mapping.byteCount))
        hasher.update(mapping.bytes(0..<dataStart))
        for range in Self.sampledRanges(dataSize: mapping.byteCount - dataStart) {
            hasher.update(mapping.bytes((dataStart + range.lowerBound)..<(dataStart + range.upperBound)))
        }
    }

    /// The stretches of a `dataSize`-byte data area the fingerprint reads (relative offsets).
    static func sampledRanges(dataSize: Int) -> [Range<Int>] {
        let sample = SafetensorsCheckpoint.fingerprintSampleBytes
        guard dataSize > 3 * sample else { return [0..<dataSize] }
        let middle = (dataSize - sample) / 2
        return [0..<sample, middle..<(middle + sample), (dataSize - sample)..<dataSize]
    }
}
