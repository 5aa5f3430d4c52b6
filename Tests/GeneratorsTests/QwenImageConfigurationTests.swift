import Foundation
import ModelIO
import TestSupport
import Testing

@testable import Generators

/// Strict decoding of the transformer's `config.json`.
@Suite("Qwen-Image transformer configuration")
struct QwenImageConfigurationTests {
    func decode(_ values: [String: Any]) throws -> QwenImageTransformerConfiguration {
        let directory = try TemporaryDirectory(label: "mokus-generators")
        let url = directory.file("config.json")
        try JSONSerialization.data(withJSONObject: values).write(to: url)
        return try QwenImageTransformerConfiguration(contentsOf: url)
    }

    @Test("diffusers' keys decode; absent keys take diffusers' defaults; out_channels null means in_channels")
    func decoding() throws {
        #expect(try decode(TinyQwenImage.configValues(TinyQwenImage.configuration)) == TinyQwenImage.configuration)
        #expect(try decode(["_class_name": "QwenImageTransformer2DModel"]) == QwenImageTransformerConfiguration())
        let original = try decode(["pooled_projection_dim": 768, "_name_or_path": "Qwen/Qwen-Image", "in_channels": 64])
        #expect(original.outChannels == 16 && original.innerDim == 3072 && original.outputWidth == 64)
        #expect(try decode(["in_channels": 12, "out_channels": NSNull()]).outChannels == 12)
    }

    @Test("an unknown key is an error naming it")
    func unknownKey() throws {
        var values = TinyQwenImage.configValues(TinyQwenImage.configuration)
        values["num_layer"] = 3
        do {
            _ = try decode(values)
            Issue.record("no error")
        } catch let ModelIOError.unknownConfigKey(_, key, _, validKeys, suggestion) {
            #expect(key == "num_layer" && suggestion == "num_layers" && validKeys.contains("use_layer3d_rope"))
        }
    }

    /// (key, JSON value).
    @Test(
        "unsupported flags, another class and inconsistent sizes are invalidConfiguration errors",
        arguments: [
            ("guidance_embeds", "true"), ("zero_cond_t", "true"), ("use_additional_t_cond", "true"),
            ("use_layer3d_rope", "true"),
            ("_class_name", "\"FluxTransformer2DModel\""), ("axes_dims_rope", "[8, 4, 2]"),
            ("axes_dims_rope", "[8, 8]"),
            ("axes_dims_rope", "[7, 5, 4]"), ("num_attention_heads", "0"),
        ])
    func invalid(key: String, json: String) throws {
        var values = TinyQwenImage.configValues(TinyQwenImage.configuration)
        values[key] = try JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)
        do {
            _ = try decode(values)
            Issue.record("\(key): no error")
        } catch let GeneratorError.invalidConfiguration(file, found, reason) {
            #expect(found == key, "\(reason)")
            #expect(file.hasSuffix("config.json"))
        }
    }

    @Test("a value of the wrong type names the key")
    func wrongType() throws {
        #expect(throws: ModelIOError.self) { try decode(["num_layers": "two"]) }
        do {
            _ = try decode(["guidance_embeds": 1.5])
            Issue.record("no error")
        } catch let ModelIOError.configTypeMismatch(_, keyPath, _, _, _) {
            #expect(keyPath == "guidance_embeds")
        }
    }
}
