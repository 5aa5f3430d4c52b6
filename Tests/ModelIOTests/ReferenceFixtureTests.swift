import Foundation
import ModelIO
import Testing
import TestSupport

/// Reads a file written by the Hugging Face `safetensors` package (see Fixtures/README.md).
@Suite("reading a safetensors file written by the reference implementation")
struct ReferenceFixtureTests {
    static let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appending(path: "Fixtures/reference.safetensors")

    @Test("names, dtypes, shapes, metadata and values match the generating script")
    func readsReference() throws {
        let file = try SafetensorsFile(url: Self.url)
        #expect(file.names == ["f16", "f32", "i64", "scalar"])
        #expect(file.metadata == ["format": "np"])
        let ramp: [Float] = [-1, -0.5, 0, 0.5, 1, 1.5]
        for (name, dtype) in [("f32", SafetensorsDType.float32), ("f16", .float16)] {
            #expect(try file.info(named: name).dtype == dtype)
            let tensor = try file.tensor(named: name)
            #expect(tensor.shape == [2, 3])
            #expect(tensor.scalars == ramp)
        }
        let scalar = try file.tensor(named: "scalar")
        #expect(scalar.shape == [] && scalar.item == 2.5)
        let ids = try file.rawBytes(named: "i64")
        let values = (0..<3).map { Int64(littleEndian: ids.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) }
        #expect(values == [1, -2, 3])
    }

    @Test("re-writing the reference file's tensors by copy preserves every stored byte")
    func copiesReference() throws {
        let directory = try TemporaryDirectory()
        let reference = try SafetensorsFile(url: Self.url)
        let copy = directory.file("copy.safetensors")
        try SafetensorsWriter.write(
            try reference.names.map { try SafetensorsEntry(copying: $0, from: reference) }, to: copy,
            metadata: reference.metadata)
        let copied = try SafetensorsFile(url: copy)
        #expect(copied.metadata == reference.metadata)
        for name in reference.names {
            #expect(try copied.info(named: name).shape == reference.info(named: name).shape)
            #expect(Array(try copied.rawBytes(named: name)) == Array(try reference.rawBytes(named: name)))
        }
    }
}
