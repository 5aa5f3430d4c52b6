import Foundation
import ModelInterfaces
import ModelIO
import Tensors
import TestSupport
import Testing
@testable import TextEncoders

@Suite("TextEncoder fingerprints identify weights and config")
struct FingerprintTests {
    func withCheckpoint(_ body: (URL) throws -> Void) throws {
        let directory = try TemporaryDirectory(label: "mokus-textencoders")
        try TinyCheckpoint.write(config: TinyCheckpoint.qwen2Config(), to: directory.url)
        try body(directory.url)
    }

    @Test("stable across loads, and not affected by in-memory parameter replacements")
    func stable() throws {
        try withCheckpoint { directory in
            let encoder = try TinyCheckpoint.load(directory)
            #expect(encoder.fingerprint.count == 64)
            try encoder.setParameter("model.norm.weight", Tensor.zeros([16]))
            #expect(try TinyCheckpoint.load(directory).fingerprint == encoder.fingerprint)
            let checkpoint = try SafetensorsCheckpoint(directory: directory)
            #expect(encoder.fingerprint != checkpoint.fingerprint)  // the config is part of it
        }
    }

    @Test("changing one weight value changes it")
    func weightChange() throws {
        try withCheckpoint { directory in
            let original = try TinyCheckpoint.load(directory).fingerprint
            try TinyCheckpoint.write(config: TinyCheckpoint.qwen2Config(), to: directory) { tensors in
                let index = tensors.firstIndex { $0.0 == "model.layers.1.mlp.down_proj.weight" }!
                var scalars = tensors[index].1.scalars
                scalars[7] = scalars[7].nextUp
                tensors[index].1 = Tensor(shape: tensors[index].1.shape, scalars: scalars)
            }
            #expect(try TinyCheckpoint.load(directory).fingerprint != original)
        }
    }

    @Test("changing config.json changes it, even without changing the architecture")
    func configChange() throws {
        try withCheckpoint { directory in
            let original = try TinyCheckpoint.load(directory).fingerprint
            var config = TinyCheckpoint.qwen2Config()
            config["rope_theta"] = 20000.0
            try JSONSerialization.data(withJSONObject: config).write(to: directory.appending(path: "config.json"))
            let changed = try TinyCheckpoint.load(directory).fingerprint
            #expect(changed != original)
            var bytes = try Data(contentsOf: directory.appending(path: "config.json"))
            bytes.append(UInt8(ascii: "\n"))
            try bytes.write(to: directory.appending(path: "config.json"))
            #expect(try TinyCheckpoint.load(directory).fingerprint != changed)
        }
    }
}
