import Foundation
import ModelIO
import Tensors
import Testing
import TestSupport

@Suite("sharded checkpoints: writer, index and directory lookup")
struct SafetensorsCheckpointTests {
    /// Ten 16-element tensors: 64 bytes each in F32, 32 in BF16.
    static func tensors() -> [(String, Tensor)] {
        var random = RandomGenerator(seed: 3)
        return (0..<10).map { ("layers.\($0).weight", random.normal([4, 4])) }
    }

    static func entries(_ dtype: DType) -> [SafetensorsEntry] {
        tensors().map { SafetensorsEntry($0, $1, storedAs: dtype) }
    }

    @Test("sharded output round-trips bit-exactly through the checkpoint reader", arguments: DType.allCases)
    func shardedRoundTrip(dtype: DType) throws {
        let directory = try TemporaryDirectory()
        let shardBytes = 3 * 16 * dtype.byteSize  // three tensors per shard → 4 shards for 10 tensors
        let shards = try SafetensorsWriter.writeSharded(
            Self.entries(dtype), to: directory.url, maxShardSize: shardBytes, metadata: ["format": "pt"])
        #expect(shards == (1...4).map { "model-0000\($0)-of-00004.safetensors" })
        #expect(try directory.contents() == shards + ["model.safetensors.index.json"])

        let checkpoint = try SafetensorsCheckpoint(directory: directory.url)
        #expect(checkpoint.files.map(\.url.lastPathComponent) == shards)
        #expect(checkpoint.names == Self.tensors().map(\.0).sorted())
        #expect(checkpoint.files.allSatisfy { $0.metadata == ["format": "pt"] })
        let single = directory.file("single.safetensors")
        try SafetensorsWriter.write(Self.tensors(), dtype: dtype, to: single)
        let reference = try SafetensorsFile(url: single)
        for (name, _) in Self.tensors() {
            #expect(try checkpoint.info(named: name).dtype == SafetensorsDType(dtype))
            #expect(Array(try checkpoint.rawBytes(named: name)) == Array(try reference.rawBytes(named: name)))
            #expect(try checkpoint.tensor(named: name).scalars == reference.tensor(named: name).scalars)
        }
    }

    @Test("the index records total_size and the weight map")
    func indexContents() throws {
        let directory = try TemporaryDirectory()
        try SafetensorsWriter.writeSharded(Self.entries(.float32), to: directory.url, maxShardSize: 320)
        let data = try Data(contentsOf: directory.file("model.safetensors.index.json"))
        let index = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let metadata = try #require(index["metadata"] as? [String: Any])
        #expect(metadata["total_size"] as? Int == 10 * 64)
        let weightMap = try #require(index["weight_map"] as? [String: String])
        #expect(weightMap["layers.0.weight"] == "model-00001-of-00002.safetensors")
        #expect(weightMap["layers.9.weight"] == "model-00002-of-00002.safetensors")
        #expect(weightMap.count == 10)
    }

    @Test("a tensor larger than the shard limit gets a shard of its own")
    func oversizedTensor() throws {
        let directory = try TemporaryDirectory()
        let entries = [
            SafetensorsEntry("a", Tensor.zeros([2])), SafetensorsEntry("b", Tensor.zeros([100])),
            SafetensorsEntry("c", Tensor.zeros([2])),
        ]
        let shards = try SafetensorsWriter.writeSharded(entries, to: directory.url, maxShardSize: 16)
        #expect(shards.count == 3)
        let checkpoint = try SafetensorsCheckpoint(directory: directory.url)
        #expect(try checkpoint.file(containing: "b").names == ["b"])
    }

    @Test("rewriting with fewer shards removes stale shards and keeps other files")
    func staleShardsRemoved() throws {
        let directory = try TemporaryDirectory()
        try directory.write(Data("{}".utf8), to: "config.json")
        try SafetensorsWriter.writeSharded(Self.entries(.float32), to: directory.url, maxShardSize: 64)
        #expect(try directory.contents().count == 12)
        try SafetensorsWriter.writeSharded(Self.entries(.bfloat16), to: directory.url, maxShardSize: 1 << 20)
        #expect(try directory.contents() == [
            "config.json", "model-00001-of-00001.safetensors", "model.safetensors.index.json",
        ])
        #expect(try SafetensorsCheckpoint(directory: directory.url).info(named: "layers.3.weight").dtype == .bfloat16)
    }

    @Test("a diffusers component's index (diffusion_pytorch_model.safetensors.index.json) is read like transformers'")
    func diffusersIndex() throws {
        let directory = try TemporaryDirectory()
        let shards = try SafetensorsWriter.writeSharded(Self.entries(.bfloat16), to: directory.url, maxShardSize: 3 * 16 * 2)
        try FileManager.default.moveItem(
            at: directory.file("model.safetensors.index.json"),
            to: directory.file("diffusion_pytorch_model.safetensors.index.json"))
        // A stray file that an index-less lookup would also read: the index decides.
        try SafetensorsWriter.write([("stray", Tensor(1))], to: directory.file("extra.safetensors"))
        let checkpoint = try SafetensorsCheckpoint(directory: directory.url)
        #expect(checkpoint.files.map(\.url.lastPathComponent) == shards)
        #expect(checkpoint.names == Self.tensors().map(\.0).sorted())
    }

    @Test("without an index, model.safetensors alone is read")
    func singleFileFallback() throws {
        let directory = try TemporaryDirectory()
        try SafetensorsWriter.write([("a", Tensor(1))], to: directory.file("model.safetensors"))
        try SafetensorsWriter.write([("b", Tensor(2))], to: directory.file("other.safetensors"))
        let checkpoint = try SafetensorsCheckpoint(directory: directory.url)
        #expect(checkpoint.names == ["a"])
    }

    @Test("without an index or model.safetensors, every top-level file is read in name order")
    func allFilesFallback() throws {
        let directory = try TemporaryDirectory()
        try SafetensorsWriter.write([("b", Tensor(2))], to: directory.file("z.safetensors"))
        try SafetensorsWriter.write([("a", Tensor(1))], to: directory.file("a.safetensors"))
        try FileManager.default.createDirectory(at: directory.file("nested"), withIntermediateDirectories: false)
        try SafetensorsWriter.write([("c", Tensor(3))], to: directory.file("nested/c.safetensors"))
        let checkpoint = try SafetensorsCheckpoint(directory: directory.url)
        #expect(checkpoint.files.map(\.url.lastPathComponent) == ["a.safetensors", "z.safetensors"])
        #expect(checkpoint.names == ["a", "b"])
        #expect(try checkpoint.tensor(named: "b").item == 2)
    }

    @Test("broken checkpoints fail with typed errors naming the index, shard or tensor")
    func brokenCheckpoints() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: ModelIOError.noSafetensorsFiles(directory: directory.url.filePath)) {
            try SafetensorsCheckpoint(directory: directory.url)
        }

        try SafetensorsWriter.write([("a", Tensor(1))], to: directory.file("x.safetensors"))
        try SafetensorsWriter.write([("a", Tensor(2))], to: directory.file("y.safetensors"))
        #expect(throws: ModelIOError.duplicateTensor(
            tensor: "a", files: [directory.file("x.safetensors").filePath, directory.file("y.safetensors").filePath])
        ) { try SafetensorsCheckpoint(directory: directory.url) }

        let index = directory.file("model.safetensors.index.json")
        let cases: [(String, ModelIOError)] = [
            (#"{"weight_map": {"a": "x.safetensors""#,
             .malformedIndex(index: index.filePath, reason: "The given data was not valid JSON.")),
            (#"{"metadata": {"total_size": 4}}"#,
             .malformedIndex(index: index.filePath, reason: "at 'weight_map': missing key")),
            (#"{"weight_map": {"a": 7}}"#,
             .malformedIndex(index: index.filePath, reason: "at 'weight_map.a': expected String")),
            (#"{"weight_map": {"a": "x.safetensors", "b": "missing.safetensors"}}"#,
             .missingShard(index: index.filePath, shard: "missing.safetensors")),
            (#"{"weight_map": {"a": "x.safetensors", "b": "x.safetensors"}}"#,
             .tensorNotInShard(index: index.filePath, tensor: "b", shard: "x.safetensors")),
        ]
        for (json, expected) in cases {
            try directory.write(Data(json.utf8), to: "model.safetensors.index.json")
            let error = try #require(throws: ModelIOError.self) { try SafetensorsCheckpoint(directory: directory.url) }
            #expect(error == expected)
            #expect(error.description.contains(index.filePath))
        }

        try directory.write(Data(#"{"weight_map": {"a": "y.safetensors"}}"#.utf8), to: "model.safetensors.index.json")
        let checkpoint = try SafetensorsCheckpoint(directory: directory.url)
        #expect(try checkpoint.tensor(named: "a").item == 2)
        #expect(throws: ModelIOError.tensorNotFound(file: directory.url.filePath, tensor: "b", suggestions: ["a"])) {
            try checkpoint.tensor(named: "b")
        }
    }
}
