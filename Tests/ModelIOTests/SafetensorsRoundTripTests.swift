import Foundation
import ModelIO
import Tensors
import Testing
import TestSupport

@Suite("safetensors write → read round trips")
struct SafetensorsRoundTripTests {
    /// Tensors of assorted ranks, including a scalar and an empty tensor.
    static func sampleTensors(seed: UInt64 = 1) -> [(String, Tensor)] {
        var random = RandomGenerator(seed: seed)
        return [
            ("model.layers.0.mlp.down_proj.weight", random.normal([5, 7])),
            ("model.norm.weight", random.normal([7])),
            ("lm_head.weight", random.normal([3, 2, 5], standardDeviation: 100)),
            ("scale", Tensor(1.5)),
            ("empty", Tensor(shape: [0, 4], scalars: [])),
        ]
    }

    /// The bytes `dtype.encode` produces for `tensor`: what the file must hold, bit for bit.
    static func encoded(_ tensor: Tensor, as dtype: DType) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: tensor.count * dtype.byteSize)
        tensor.withUnsafeBufferPointer { values in
            bytes.withUnsafeMutableBytes { raw in
                if let source = values.baseAddress, let target = raw.baseAddress {
                    dtype.encode(source, count: values.count, into: target)
                }
            }
        }
        return bytes
    }

    @Test("stored bytes and Float32 values survive a round trip", arguments: DType.allCases)
    func roundTrip(dtype: DType) throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("model.safetensors")
        let tensors = Self.sampleTensors()
        try SafetensorsWriter.write(tensors, dtype: dtype, to: url)

        let file = try SafetensorsFile(url: url)
        #expect(file.names == tensors.map(\.0).sorted())
        #expect(file.metadata.isEmpty)
        for (name, original) in tensors {
            let info = try file.info(named: name)
            #expect(info.dtype == SafetensorsDType(dtype))
            #expect(info.shape == original.shape)
            let stored = Self.encoded(original, as: dtype)
            #expect(Array(try file.rawBytes(named: name)) == stored)
            let expected = Tensor(shape: original.shape) { buffer in
                stored.withUnsafeBytes { raw in
                    if let source = raw.baseAddress, let target = buffer.baseAddress {
                        dtype.decode(source, count: buffer.count, into: target)
                    }
                }
            }
            let read = try file.tensor(named: name)
            #expect(read.shape == original.shape)
            #expect(read.scalars.map(\.bitPattern) == expected.scalars.map(\.bitPattern))
            if dtype == .float32 { #expect(read.scalars.map(\.bitPattern) == original.scalars.map(\.bitPattern)) }
        }
    }

    @Test("metadata round-trips, and a dictionary of tensors writes like the pair list")
    func metadataAndDictionary() throws {
        let directory = try TemporaryDirectory()
        let metadata = ["format": "pt", "note": "slashes/stay \"quoted\" ünïcode"]
        let tensors = Self.sampleTensors()
        try SafetensorsWriter.write(tensors, to: directory.file("a.safetensors"), metadata: metadata)
        try SafetensorsWriter.write(
            Dictionary(uniqueKeysWithValues: tensors), to: directory.file("b.safetensors"), metadata: metadata)
        let a = try Data(contentsOf: directory.file("a.safetensors"))
        let b = try Data(contentsOf: directory.file("b.safetensors"))
        #expect(a == b)
        #expect(try SafetensorsFile(url: directory.file("a.safetensors")).metadata == metadata)
    }

    @Test("layout: header padded with spaces to a multiple of 8, tensors sorted by name and contiguous")
    func layout() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("model.safetensors")
        try SafetensorsWriter.write(Self.sampleTensors(), dtype: .bfloat16, to: url, metadata: ["a": "b"])
        let bytes = try Data(contentsOf: url)
        let headerLength = bytes.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        #expect(headerLength % 8 == 0)
        let header = try #require(String(data: bytes[8..<(8 + Int(headerLength))], encoding: .utf8))
        let json = String(header.reversed().drop { $0 == " " }.reversed())
        #expect(json.hasPrefix("{") && json.hasSuffix("}"))
        #expect(header.count - json.count < 8)  // padding only to the next multiple of 8

        let file = try SafetensorsFile(url: url)
        #expect(file.dataStart == 8 + Int(headerLength))
        var offset = 0
        for info in file.tensorInfos {
            #expect(info.dataOffsets.lowerBound == offset)
            offset = info.dataOffsets.upperBound
        }
        #expect(file.dataStart + offset == bytes.count)
    }

    @Test("raw bytes and copied tensors keep their dtype and bytes")
    func rawAndCopiedEntries() throws {
        let directory = try TemporaryDirectory()
        var ids = Data()
        for value: Int64 in [3, -1, .max] { withUnsafeBytes(of: value.littleEndian) { ids.append(contentsOf: $0) } }
        let source = directory.file("source.safetensors")
        try SafetensorsWriter.write(
            [try SafetensorsEntry("position_ids", dtype: .int64, shape: [3], bytes: ids),
             SafetensorsEntry("w", Tensor(shape: [2], scalars: [1, -2]), storedAs: .float16)],
            to: source)
        let original = try SafetensorsFile(url: source)
        #expect(Data(try original.rawBytes(named: "position_ids")) == ids)
        let notFloat = ModelIOError.notConvertibleToFloat(file: source.filePath, tensor: "position_ids", dtype: "I64")
        #expect(throws: notFloat) {
            try original.tensor(named: "position_ids")
        }

        let copy = directory.file("copy.safetensors")
        try SafetensorsWriter.write(
            [try SafetensorsEntry(copying: "position_ids", from: original),
             try SafetensorsEntry(copying: "w", from: original, as: "renamed")],
            to: copy)
        let copied = try SafetensorsFile(url: copy)
        #expect(copied.names == ["position_ids", "renamed"])
        #expect(try copied.info(named: "renamed").dtype == .float16)
        #expect(Array(try copied.rawBytes(named: "renamed")) == Array(try original.rawBytes(named: "w")))
        #expect(try copied.tensor(named: "renamed").scalars == [1, -2])
    }

    @Test("rewriting a file replaces it whole and leaves no temporary file behind")
    func atomicReplace() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("model.safetensors")
        try SafetensorsWriter.write(Self.sampleTensors(seed: 1), to: url)
        try SafetensorsWriter.write([("only", Tensor(shape: [2], scalars: [4, 5]))], to: url)
        #expect(try directory.contents() == ["model.safetensors"])
        #expect(try SafetensorsFile(url: url).names == ["only"])
    }

    @Test("a failed write leaves the previous file untouched and no temporary file")
    func failedWriteKeepsOldFile() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("model.safetensors")
        try SafetensorsWriter.write([("kept", Tensor(3))], to: url)
        let duplicate = [("x", Tensor(1)), ("x", Tensor(2))]
        #expect(throws: ModelIOError.invalidTensorForWriting(tensor: "x", reason: "duplicate name")) {
            try SafetensorsWriter.write(duplicate, to: url)
        }
        #expect(try directory.contents() == ["model.safetensors"])
        #expect(try SafetensorsFile(url: url).names == ["kept"])
    }

    @Test("writers reject reserved names and raw bytes that do not match the shape")
    func writerRejectsBadInput() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: ModelIOError.invalidTensorForWriting(tensor: "__metadata__", reason: "the name is reserved")) {
            try SafetensorsWriter.write([("__metadata__", Tensor(1))], to: directory.file("x.safetensors"))
        }
        #expect(
            throws: ModelIOError.invalidTensorForWriting(tensor: "ids", reason: "I32 [2, 2] needs 16 bytes, got 12")
        ) {
            try SafetensorsEntry("ids", dtype: .int32, shape: [2, 2], bytes: Data(count: 12))
        }
        #expect(throws: ModelIOError.invalidTensorForWriting(tensor: "ids", reason: "invalid shape [-1]")) {
            try SafetensorsEntry("ids", dtype: .int32, shape: [-1], bytes: Data())
        }
        #expect(try directory.contents().isEmpty)
    }
}
