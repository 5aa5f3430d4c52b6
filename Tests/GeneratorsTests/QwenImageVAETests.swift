import Foundation
import ModelIO
import Tensors
import TestSupport
import Testing
@testable import Generators

/// The Qwen-Image VAE: parity with diffusers on the committed fixture (vae/, vae_reference.safetensors),
/// latent normalisation, the ImageCodec contract, and typed errors for bad configs, checkpoints and inputs.
@Suite("Qwen-Image VAE")
struct QwenImageVAETests {
    // MARK: Parity with diffusers

    @Test("encode's mean and log-variance match diffusers within 1e-4 relative")
    func encodeParity() throws {
        let vae = try QwenImageVAE(directory: GeneratorFixtures.url("vae"))
        let reference = try GeneratorFixtures.tensors("vae_reference.safetensors")
        let distribution = try vae.latentDistribution(of: reference["image"]!)
        let meanError = relativeError(distribution.mean, reference["latent_mean"]!)
        let logVarianceError = relativeError(distribution.logVariance, reference["latent_logvar"]!)
        #expect(meanError <= 1e-4, "mean: \(meanError)")
        #expect(logVarianceError <= 1e-4, "log-variance: \(logVarianceError)")
    }

    @Test("decode matches diffusers (clamped to [-1, 1]) within 1e-4 relative")
    func decodeParity() throws {
        let vae = try QwenImageVAE(directory: GeneratorFixtures.url("vae"))
        let reference = try GeneratorFixtures.tensors("vae_reference.safetensors")
        let decoded = try vae.decode(raw: reference["latent"]!)
        let error = relativeError(decoded, reference["decoded"]!)
        #expect(error <= 1e-4, "decoded: \(error)")
        #expect(decoded.scalars.allSatisfy { $0 >= -1 && $0 <= 1 })
    }

    @Test("the fixture's configuration decodes as diffusers' test configuration")
    func fixtureConfiguration() throws {
        let configuration = try QwenImageVAEConfiguration(contentsOf: GeneratorFixtures.url("vae/config.json"))
        #expect(configuration == QwenImageVAEConfiguration(
            baseDim: 24, zDim: 4, dimMult: [1, 2, 4], resBlockCount: 1, temporalDownsample: [false, true],
            latentsMean: [0.25, -0.5, 0.125, 0.75], latentsStd: [1.5, 0.75, 2, 1.25]))
        #expect(configuration.spatialFactor == 4)
    }

    // MARK: Normalisation and the codec contract

    @Test("normalize is (z − mean)/std per channel, denormalize its inverse; the codec methods use them")
    func normalisation() throws {
        let vae = try QwenImageVAE(directory: GeneratorFixtures.url("vae"))
        var random = RandomGenerator(seed: 1)
        let raw = random.normal([2, 4, 3, 5])
        let normalized = try vae.normalize(raw)
        let (mean, std) = (vae.configuration.latentsMean, vae.configuration.latentsStd)
        #expect(abs(normalized[1, 2, 0, 3] - (raw[1, 2, 0, 3] - mean[2]) / std[2]) < 1e-6)
        #expect(relativeError(try vae.denormalize(normalized), raw) < 1e-6)

        let reference = try GeneratorFixtures.tensors("vae_reference.safetensors")
        let encoded = try vae.encode(reference["image"]!)
        #expect(encoded.shape == [1, 4, 8, 10])
        #expect(relativeError(encoded, try vae.normalize(reference["latent_mean"]!)) <= 1e-4)
        let decoded = try vae.decode(try vae.normalize(reference["latent"]!))
        #expect(relativeError(decoded, reference["decoded"]!) <= 1e-4)
        #expect(vae.imageChannels == 3 && vae.latentChannels == 4 && vae.spatialFactor == 4)
    }

    @Test("a posterior sample is mean + σ·ε")
    func sampling() throws {
        let vae = try TinyQwenImageVAE.load()
        var random = RandomGenerator(seed: 2)
        let distribution = try vae.latentDistribution(of: random.uniform([1, 3, 8, 8], low: -1, high: 1))
        var first = RandomGenerator(seed: 3), second = RandomGenerator(seed: 3)
        let sample = distribution.sample(using: &first)
        let noise = second.normal(distribution.mean.shape)
        let expected = distribution.mean + (distribution.logVariance * 0.5).exp() * noise
        #expect(relativeError(sample, expected) < 1e-6)
    }

    @Test("encoding is differentiable with respect to the image (finite differences)")
    func encoderGradient() throws {
        let vae = try TinyQwenImageVAE.load()
        var random = RandomGenerator(seed: 4)
        let image = random.uniform([1, 3, 4, 4], low: -1, high: 1)
        let report = GradientCheck.check([image]) { try! vae.latentDistribution(of: $0[0]).mean }
        #expect(report.maxRelativeError <= 1e-2, "\(report)")
    }

    // MARK: Errors

    @Test("an unknown config key is an error naming it")
    func unknownKey() throws {
        let directory = try TinyQwenImageVAE.write { $0["num_res_block"] = 2 }
        do {
            _ = try QwenImageVAE(directory: directory.url)
            Issue.record("no error")
        } catch let ModelIOError.unknownConfigKey(file, key, _, validKeys, suggestion) {
            #expect(key == "num_res_block" && suggestion == "num_res_blocks" && file.hasSuffix("config.json"))
            #expect(Set(validKeys) == [
                "_class_name", "_diffusers_version", "_name_or_path", "attn_scales", "base_dim", "dim_mult", "dropout",
                "input_channels", "latents_mean", "latents_std", "num_res_blocks", "temperal_downsample", "z_dim",
            ])
        }
    }

    /// (key, JSON value).
    @Test("invalid values are invalidConfiguration errors naming the key", arguments: [
        ("attn_scales", "[0.5]"), ("attn_scales", "[3, 1]"), ("_class_name", "\"AutoencoderKLWan\""), ("temperal_downsample", "[true]"),
        ("latents_std", "[1, 1, 1]"), ("latents_std", "[1, -1]"), ("latents_mean", "[0, 0, 0]"), ("z_dim", "0"),
        ("dim_mult", "[]"), ("dim_mult", "[1, 0, 2]"), ("base_dim", "-2"), ("dropout", "1.5"),
    ])
    func invalidValue(key: String, json: String) throws {
        let value = try JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)
        let directory = try TinyQwenImageVAE.write { $0[key] = value }
        do {
            _ = try QwenImageVAE(directory: directory.url)
            Issue.record("\(key): no error")
        } catch let GeneratorError.invalidConfiguration(file, found, reason) {
            #expect(found == key, "\(reason)")
            #expect(file.hasSuffix("config.json"))
        }
    }

    @Test("attn_scales values that match no encoder stage are ignored, as diffusers ignores them")
    func unmatchedAttentionScales() throws {
        let directory = try TinyQwenImageVAE.write { $0["attn_scales"] = [3.0, 0.125] }
        #expect(try QwenImageVAE(directory: directory.url).configuration == TinyQwenImageVAE.configuration)
    }

    @Test("a missing tensor is an error naming it")
    func missingTensor() throws {
        let directory = try TinyQwenImageVAE.write(editWeights: { $0.removeAll { $0.0 == "decoder.norm_out.gamma" } })
        let path = directory.url.path(percentEncoded: false)
        #expect(throws: ModelIOError.missingTensor(directory: path, name: "decoder.norm_out.gamma")) {
            try QwenImageVAE(directory: directory.url)
        }
    }

    @Test("a wrong-shaped tensor is an error naming both shapes")
    func wrongShape() throws {
        let name = "encoder.down_blocks.0.conv1.weight"
        let directory = try TinyQwenImageVAE.write(editWeights: { tensors in
            tensors = tensors.map { $0.0 == name ? (name, Tensor.zeros([4, 4, 3, 3])) : $0 }
        })
        let error = ModelIOError.tensorShapeMismatch(name: name, expected: [4, 4, 3, 3, 3], found: [4, 4, 3, 3])
        #expect(throws: error) {
            try QwenImageVAE(directory: directory.url)
        }
    }

    @Test("a tensor the architecture lacks is an error naming it")
    func unexpectedTensor() throws {
        let name = "decoder.extra.weight"
        let directory = try TinyQwenImageVAE.write(editWeights: { $0.append((name, Tensor.zeros([2]))) })
        #expect(throws: ModelIOError.unexpectedTensor(directory: directory.url.path(percentEncoded: false), name: name)) {
            try QwenImageVAE(directory: directory.url)
        }
    }

    @Test("images with the wrong channel count or a size not divisible by the spatial factor are rejected",
          arguments: [[1, 4, 8, 8], [1, 3, 8, 6], [1, 3, 5, 8], [3, 8, 8], [1, 3, 0, 8]])
    func badImage(shape: [Int]) throws {
        let vae = try TinyQwenImageVAE.load()
        #expect(vae.spatialFactor == 4)
        #expect {
            try vae.encode(Tensor.zeros(shape))
        } throws: { error in
            guard case let GeneratorError.invalidInput(name, expected, found) = error else { return false }
            return name == "image" && expected.contains("multiples of 4") && found.contains("\(shape)")
        }
    }

    @Test("latents with the wrong channel count are rejected by decode and the normalisation")
    func badLatents() throws {
        let vae = try TinyQwenImageVAE.load()
        let latents = Tensor.zeros([1, 3, 2, 2])
        for operation in [vae.decode(_:), vae.decode(raw:), vae.normalize(_:), vae.denormalize(_:)] {
            #expect(throws: GeneratorError.self) { try operation(latents) }
        }
        #expect(try vae.decode(Tensor.zeros([2, 2, 3, 1])).shape == [2, 3, 12, 4])
    }
}

/// A small random-weight Qwen-Image VAE in a temporary folder (2 stages with a temporal flag on the
/// downsampling, so the unused `time_conv` tensors are declared too), for error and shape tests.
enum TinyQwenImageVAE {
    static let configuration = QwenImageVAEConfiguration(
        baseDim: 4, zDim: 2, dimMult: [1, 2, 2], resBlockCount: 1, temporalDownsample: [true, false],
        latentsMean: [0.5, -0.25], latentsStd: [2, 0.5])

    static func configValues(_ c: QwenImageVAEConfiguration) -> [String: Any] {
        ["_class_name": "AutoencoderKLQwenImage", "_diffusers_version": "0.36.0", "base_dim": c.baseDim,
         "z_dim": c.zDim, "dim_mult": c.dimMult, "num_res_blocks": c.resBlockCount, "attn_scales": [Double](),
         "temperal_downsample": c.temporalDownsample, "dropout": c.dropout, "input_channels": c.inputChannels,
         "latents_mean": c.latentsMean, "latents_std": c.latentsStd]
    }

    /// Writes `config.json` and `diffusion_pytorch_model.safetensors` (weights N(0, 0.3²), norm
    /// gains 1 + N(0, 0.1²)) into a new temporary folder; the edits may change either.
    static func write(
        editConfig: (inout [String: Any]) -> Void = { _ in }, editWeights: (inout [(String, Tensor)]) -> Void = { _ in }
    ) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory(label: "mokus-vae")
        var config = configValues(configuration)
        editConfig(&config)
        try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys])
            .write(to: directory.file("config.json"))
        var random = RandomGenerator(seed: 11)
        var tensors = QwenImageVAE.parameterShapes(for: configuration).map { name, shape in
            (name, name.hasSuffix(".gamma")
                ? random.normal(shape, mean: 1, standardDeviation: 0.1) : random.normal(shape, standardDeviation: 0.3))
        }
        editWeights(&tensors)
        try SafetensorsWriter.write(tensors, to: directory.file("diffusion_pytorch_model.safetensors"))
        return directory
    }

    static func load() throws -> QwenImageVAE {
        let directory = try write()
        return try QwenImageVAE(directory: directory.url)
    }
}
