import Foundation
import ModelInterfaces
import ModelIO
import Tensors
import TestSupport
import Testing
@testable import TextEncoders

@Suite("Broken checkpoints give typed errors")
struct LoadingErrorTests {
    @Test("a count of 1 is an integer, not a boolean (one KV head, one layer), and true is not an integer")
    func countsOfOne() throws {
        try TemporaryDirectory.with(label: "mokus-textencoders") { directory in
            var config = TinyCheckpoint.qwen2Config()
            (config["num_key_value_heads"], config["num_hidden_layers"]) = (1, 1)
            try TinyCheckpoint.write(config: config, to: directory)
            #expect(try TinyCheckpoint.load(directory).info.layerCount == 1)
            let text = try String(contentsOf: directory.appending(path: "config.json"), encoding: .utf8)
            try Data(text.replacingOccurrences(of: "\"num_hidden_layers\" : 1", with: "\"num_hidden_layers\" : true").utf8)
                .write(to: directory.appending(path: "config.json"))
            #expect(throws: TextEncoderError.self) { try TinyCheckpoint.load(directory) }
        }
    }

    @Test("unknown model_type names it and the supported ones")
    func unknownModelType() throws {
        try TemporaryDirectory.with(label: "mokus-textencoders") { directory in
            var config = TinyCheckpoint.qwen2Config()
            try TinyCheckpoint.write(config: config, to: directory)
            config["model_type"] = "mamba"
            try JSONSerialization.data(withJSONObject: config).write(to: directory.appending(path: "config.json"))
            #expect(throws: TextEncoderError.unsupportedModelType(
                file: directory.appending(path: "config.json").path(percentEncoded: false), modelType: "mamba",
                supported: TextEncoderLoader.supportedModelTypes)) { try TinyCheckpoint.load(directory) }
        }
    }

    @Test("missing, unexpected and mis-shaped tensors name the key")
    func strictKeys() throws {
        try TemporaryDirectory.with(label: "mokus-textencoders") { directory in
            let path = directory.path(percentEncoded: false)
            try TinyCheckpoint.write(config: TinyCheckpoint.qwen2Config(), to: directory) { tensors in
                tensors.removeAll { $0.0 == "model.layers.1.mlp.up_proj.weight" }
            }
            #expect(throws: ModelIOError.missingTensor(directory: path, name: "model.layers.1.mlp.up_proj.weight")) {
                try TinyCheckpoint.load(directory)
            }
            try TinyCheckpoint.write(config: TinyCheckpoint.qwen2Config(), to: directory) { tensors in
                tensors.append(("model.layers.1.mlp.extra.weight", Tensor.zeros([2])))
            }
            #expect(throws: ModelIOError.unexpectedTensor(directory: path, name: "model.layers.1.mlp.extra.weight")) {
                try TinyCheckpoint.load(directory)
            }
            try TinyCheckpoint.write(config: TinyCheckpoint.qwen2Config(), to: directory) { tensors in
                let i = tensors.firstIndex { $0.0 == "model.norm.weight" }!
                tensors[i].1 = Tensor.ones([15])
            }
            #expect(throws: ModelIOError.tensorShapeMismatch(name: "model.norm.weight", expected: [16], found: [15])) {
                try TinyCheckpoint.load(directory)
            }
        }
    }

    @Test("invalid configuration values name the key")
    func badConfiguration() throws {
        try TemporaryDirectory.with(label: "mokus-textencoders") { directory in
            var config = TinyCheckpoint.qwen2Config()
            try TinyCheckpoint.write(config: config, to: directory)
            config["hidden_size"] = "wide"
            try JSONSerialization.data(withJSONObject: config).write(to: directory.appending(path: "config.json"))
            #expect {
                try TinyCheckpoint.load(directory)
            } throws: { error in
                guard case let .invalidConfiguration(_, key, _) = error as? TextEncoderError else { return false }
                return key == "hidden_size"
            }
            config["hidden_size"] = 16
            config["rope_scaling"] = ["rope_type": "yarn", "factor": 4.0]
            try JSONSerialization.data(withJSONObject: config).write(to: directory.appending(path: "config.json"))
            #expect {
                try TinyCheckpoint.load(directory)
            } throws: { error in
                guard case let .invalidConfiguration(_, key, reason) = error as? TextEncoderError else { return false }
                return key == "rope_scaling.rope_type" && reason.contains("yarn")
            }
            try Data("{not json".utf8).write(to: directory.appending(path: "config.json"))
            #expect(throws: TextEncoderError.self) { try TinyCheckpoint.load(directory) }
        }
    }

    @Test("a sharded checkpoint with a missing shard or a broken index fails with ModelIO's error")
    func brokenShards() throws {
        try TemporaryDirectory.with(label: "mokus-textencoders") { directory in
            try TinyCheckpoint.write(config: TinyCheckpoint.qwen2Config(), to: directory)
            let single = try SafetensorsFile(url: directory.appending(path: "model.safetensors"))
            let entries = try single.names.map { try SafetensorsEntry(copying: $0, from: single) }
            let shards = try SafetensorsWriter.writeSharded(entries, to: directory, maxShardSize: 4096)
            try FileManager.default.removeItem(at: directory.appending(path: "model.safetensors"))
            #expect(shards.count > 1)
            #expect(try TinyCheckpoint.load(directory).parameters.count == single.names.count)
            try FileManager.default.removeItem(at: directory.appending(path: shards[1]))
            #expect(throws: ModelIOError.self) { try TinyCheckpoint.load(directory) }
            try Data("{\"weight_map\": 3}".utf8).write(to: directory.appending(path: "model.safetensors.index.json"))
            #expect(throws: ModelIOError.self) { try TinyCheckpoint.load(directory) }
        }
    }
}

@Suite("Saving an edited model")
struct SavingTests {
    @Test("save and reload gives the edited logits", arguments: [DType.float32, .bfloat16])
    func roundTrip(dtype: DType) throws {
        let root = try TemporaryDirectory(label: "mokus-textencoders")
        let source = try TinyCheckpoint.write(config: TinyCheckpoint.qwen2Config(tied: true), to: root.file("source"), dtype: dtype)
        try Data("{\"keep\": true}".utf8).write(to: source.appending(path: "tokenizer_config.json"))
        let encoder = try TinyCheckpoint.load(source)
        let name = "model.layers.0.mlp.down_proj.weight"
        var rng = RandomGenerator(seed: 9)
        try encoder.addToParameter(name, rng.normal(try encoder.parameter(name).shape, standardDeviation: 0.2))
        let batch = TokenBatch([[1, 2, 3, 4]])
        let edited = try encoder.forward(batch).logits
        let destination = root.file("edited")
        try CheckpointExporter.save(encoder, to: destination)
        let reloaded = try TinyCheckpoint.load(destination)
        #expect(reloaded.parameters == encoder.parameters)
        #expect(FileManager.default.fileExists(atPath: destination.appending(path: "tokenizer_config.json").path(percentEncoded: false)))
        let logits = try reloaded.forward(batch).logits
        if dtype == .float32 {
            #expect(logits.scalars == edited.scalars)
        } else {
            // The edited weight is rounded to bf16 when saved; compare with the rounded edit.
            let rounded = try reloaded.parameter(name)
            try encoder.setParameter(name, rounded)
            #expect(logits.scalars == (try encoder.forward(batch).logits).scalars)
        }
        // Untouched tensors are byte-identical.
        let a = try encoder.weights.checkpoint.rawBytes(named: "model.norm.weight")
        let b = try reloaded.weights.checkpoint.rawBytes(named: "model.norm.weight")
        #expect(Array(a) == Array(b))
        #expect(throws: ModelIOError.self) { try CheckpointExporter.save(encoder, to: destination) }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.url.path(percentEncoded: false)).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }
}
