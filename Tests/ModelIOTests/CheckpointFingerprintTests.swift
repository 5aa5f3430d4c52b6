import Foundation
import ModelIO
import Tensors
import Testing
import TestSupport

@Suite("checkpoint fingerprints")
struct CheckpointFingerprintTests {
    /// 128 Ki F32 values (512 KiB of data): the samples are bytes [0, 64 Ki), [224 Ki, 288 Ki)
    /// and [448 Ki, 512 Ki) of the data area.
    static let elementCount = 128 << 10

    /// Writes `model.safetensors` holding one large tensor `w` (value i at index i, with `change`
    /// applied) and a small tensor `b`.
    static func writeCheckpoint(in directory: TemporaryDirectory, change: (inout [Float]) -> Void = { _ in },
                                metadata: [String: String] = ["format": "pt"]) throws {
        var values = (0..<elementCount).map { Float($0) }
        change(&values)
        try SafetensorsWriter.write(
            [("w", Tensor(shape: [elementCount], scalars: values)), ("z.bias", Tensor.zeros([4]))],
            to: directory.file("model.safetensors"), metadata: metadata)
    }

    static func fingerprint(_ directory: TemporaryDirectory) throws -> String {
        try SafetensorsCheckpoint(directory: directory.url).fingerprint
    }

    @Test("the digest follows the documented recipe and is stable across opens")
    func documentedRecipe() throws {
        let directory = try TemporaryDirectory()
        try Self.writeCheckpoint(in: directory)
        let bytes = try Data(contentsOf: directory.file("model.safetensors"))
        let headerLength = bytes.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }  // little-endian
        let data = bytes.dropFirst(8 + headerLength)
        let sample = 64 << 10
        let middle = (data.count - sample) / 2
        var expected = Data("mokus-checkpoint-fingerprint/1\n".utf8)
        expected.append(contentsOf: [1, 0, 0, 0, 0, 0, 0, 0])
        expected.append(contentsOf: [17, 0, 0, 0, 0, 0, 0, 0])
        expected.append(Data("model.safetensors".utf8))
        withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { expected.append(contentsOf: $0) }
        expected.append(bytes.prefix(8 + headerLength))
        for start in [0, middle, data.count - sample] {
            expected.append(data.dropFirst(start).prefix(sample))
        }
        let first = try Self.fingerprint(directory)
        #expect(first == SHA256.hex(of: expected))
        #expect(try Self.fingerprint(directory) == first)
    }

    @Test("a value changed inside a sampled stretch changes the digest", arguments: [0, 65_536, 131_071])
    func sampledChange(index: Int) throws {
        let directory = try TemporaryDirectory()
        try Self.writeCheckpoint(in: directory)
        let original = try Self.fingerprint(directory)
        try Self.writeCheckpoint(in: directory) { $0[index] += 0.5 }
        #expect(try Self.fingerprint(directory) != original)
    }

    @Test("a value outside the samples of a large file does not (documented limitation)")
    func unsampledChange() throws {
        let directory = try TemporaryDirectory()
        try Self.writeCheckpoint(in: directory)
        let original = try Self.fingerprint(directory)
        try Self.writeCheckpoint(in: directory) { $0[32_768] += 0.5 }  // byte 128 Ki: between samples
        #expect(try Self.fingerprint(directory) == original)
    }

    @Test("header metadata, file names and small files are covered completely")
    func headersAndNames() throws {
        let directory = try TemporaryDirectory()
        try Self.writeCheckpoint(in: directory)
        let original = try Self.fingerprint(directory)
        try Self.writeCheckpoint(in: directory, metadata: ["format": "np"])
        #expect(try Self.fingerprint(directory) != original)

        // Two small unindexed files: renaming one (same bytes) changes the digest.
        let sharded = try TemporaryDirectory()
        try SafetensorsWriter.write([("a", Tensor.zeros([3]))], to: sharded.file("part-1.safetensors"))
        try SafetensorsWriter.write([("b", Tensor.zeros([3]))], to: sharded.file("part-2.safetensors"))
        let before = try Self.fingerprint(sharded)
        try FileManager.default.moveItem(at: sharded.file("part-2.safetensors"), to: sharded.file("part-3.safetensors"))
        #expect(try Self.fingerprint(sharded) != before)
    }
}
