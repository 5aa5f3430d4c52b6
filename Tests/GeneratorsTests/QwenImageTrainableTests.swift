import Foundation
import ModelIO
import Tensors
import TestSupport
import Testing

@testable import Generators

/// The transformer on in-memory parameters: the same numbers as the mapped checkpoint, gradients
/// for its weights, the fresh-model initialiser and saving as a diffusers folder.
@Suite("Qwen-Image trainable weights")
struct QwenImageTrainableTests {
    static let small = QwenImageGradientTests.small

    /// The parameters of `model` as an in-memory dictionary.
    static func dictionary(_ model: QwenImageTransformer) -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: QwenImageTransformer.parameterShapes(model.configuration).map {
            ($0.0, model.weights.tensor($0.0))
        })
    }

    static func velocity(_ model: QwenImageTransformer, _ inputs: TinyQwenImage.Inputs) throws -> Tensor {
        try model.velocity(
            latents: inputs.latents, imageShapes: [inputs.imageShape], text: inputs.text, textMask: inputs.textMask,
            timestep: inputs.timestep)
    }

    @Test("in-memory parameters give the mapped checkpoint's velocity bit for bit")
    func inMemoryMatchesMapped() throws {
        let directory = try TemporaryDirectory(label: "mokus-generators")
        try TinyQwenImage.write(to: directory.url, seed: 3)
        let mapped = try QwenImageTransformer(directory: directory.url)
        let inMemory = try QwenImageTransformer(configuration: mapped.configuration, parameters: Self.dictionary(mapped))
        #expect(!inMemory.weights.fetchesPerProduct && mapped.weights.fetchesPerProduct)
        let inputs = TinyQwenImage.inputs()
        #expect(try Self.velocity(inMemory, inputs).scalars == Self.velocity(mapped, inputs).scalars)
    }

    @Test("a missing, extra or misshapen in-memory parameter is a typed error")
    func strictParameters() throws {
        let c = TinyQwenImage.configuration
        let complete = Dictionary(uniqueKeysWithValues: TinyQwenImage.weights(c, seed: 1))
        var missing = complete
        missing["proj_out.bias"] = nil
        #expect(throws: ModelIOError.missingTensor(directory: "(in memory)", name: "proj_out.bias")) {
            try QwenImageTransformer(configuration: c, parameters: missing)
        }
        var extra = complete
        extra["proj_out.scale"] = .ones([1])
        #expect(throws: ModelIOError.unexpectedTensor(directory: "(in memory)", name: "proj_out.scale")) {
            try QwenImageTransformer(configuration: c, parameters: extra)
        }
        var misshapen = complete
        misshapen["txt_norm.weight"] = .ones([3])
        #expect(throws: ModelIOError.tensorShapeMismatch(name: "txt_norm.weight", expected: [16], found: [3])) {
            try QwenImageTransformer(configuration: c, parameters: misshapen)
        }
    }

    @Test("tape gradients of the velocity w.r.t. weights match central differences")
    func weightGradients() throws {
        let c = Self.small
        var parameters = Dictionary(uniqueKeysWithValues: TinyQwenImage.weights(c, seed: 5, scale: 0.4))
        let checked = [
            "transformer_blocks.0.attn.to_k.weight", "transformer_blocks.1.img_mod.1.bias",
            "transformer_blocks.1.attn.norm_added_q.weight", "txt_norm.weight", "proj_out.weight",
        ]
        var random = RandomGenerator(seed: 9)
        let latents = random.normal([1, 4, 4]), text = random.normal([1, 3, 8])
        let textMask = Tensor(shape: [1, 3], scalars: [1, 1, 0])
        let report = GradientCheck.check(checked.map { parameters[$0]! }) { values in
            for (name, value) in zip(checked, values) { parameters[name] = value }
            let model = try! QwenImageTransformer(configuration: c, parameters: parameters)
            return try! model.velocity(
                latents: latents, imageShapes: [PackedImageShape(height: 2, width: 2)], text: text,
                textMask: textMask, timestep: Tensor(shape: [1], scalars: [0.6]))
        }
        #expect(report.maxRelativeError <= QwenImageGradientTests.tolerance, "\(report)")
    }

    @Test("fresh weights: PyTorch's Linear bounds, unit norms, adaLN-Zero, seeded")
    func initialParameters() throws {
        let c = TinyQwenImage.configuration
        let parameters = QwenImageTransformer.initialParameters(c, seed: 4)
        #expect(parameters.map(\.name) == QwenImageTransformer.parameterShapes(c).map(\.0))
        #expect(parameters.map(\.value.shape) == QwenImageTransformer.parameterShapes(c).map(\.1))
        let byName = Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.value) })
        for (name, value) in byName {
            if name.contains("norm_") && !name.contains("norm_out") || name == "txt_norm.weight" {
                #expect(value.scalars.allSatisfy { $0 == 1 }, "\(name)")
            } else if ["img_mod.1", "txt_mod.1", "norm_out.linear", "proj_out"].contains(where: name.contains) {
                #expect(value.scalars.allSatisfy { $0 == 0 }, "\(name)")
            } else {
                let fanIn = name.hasPrefix("txt_in") ? c.jointAttentionDim : name.contains("linear_1") ? 256
                    : name.contains("net.2") ? 4 * c.innerDim : name.hasPrefix("img_in") ? c.inChannels : c.innerDim
                let bound = 1 / Float(fanIn).squareRoot()
                #expect(value.scalars.allSatisfy { abs($0) <= bound }, "\(name)")
                #expect(value.scalars.map(abs).max()! > 0.8 * bound, "\(name)")
            }
        }
        #expect(QwenImageTransformer.initialParameters(c, seed: 4).map(\.value.scalars) == parameters.map(\.value.scalars))
        #expect(QwenImageTransformer.initialParameters(c, seed: 5)[1].value.scalars != parameters[1].value.scalars)
        let model = try QwenImageTransformer(configuration: c, parameters: byName)
        #expect(try Self.velocity(model, TinyQwenImage.inputs()).scalars.allSatisfy { $0 == 0 })
    }

    @Test("saved as a diffusers folder, f32 reads back bit-identically and bf16 as its rounding")
    func saveAndReload() throws {
        let directory = try TemporaryDirectory(label: "mokus-generators")
        let c = TinyQwenImage.configuration
        let model = try QwenImageTransformer(
            configuration: c, parameters: Dictionary(uniqueKeysWithValues: TinyQwenImage.weights(c, seed: 2)))
        let f32 = directory.file("f32/transformer")
        try FileManager.default.createDirectory(at: f32.deletingLastPathComponent(), withIntermediateDirectories: true)
        try model.save(to: f32)
        let reloaded = try QwenImageTransformer(directory: f32)
        #expect(reloaded.configuration == c)
        #expect(Self.dictionary(reloaded).mapValues(\.scalars) == Self.dictionary(model).mapValues(\.scalars))
        let inputs = TinyQwenImage.inputs()
        #expect(try Self.velocity(reloaded, inputs).scalars == Self.velocity(model, inputs).scalars)

        let bf16 = directory.file("bf16")
        try model.save(to: bf16, storedAs: .bfloat16)
        let rounded = try QwenImageTransformer(directory: bf16)
        for (name, value) in Self.dictionary(model) {
            let expected = value.scalars.map { BFloat16Conversion.float(BFloat16Conversion.bits($0)) }
            #expect(rounded.weights.tensor(name).scalars == expected, "\(name)")
        }
        let again = directory.file("bf16-again")
        try rounded.save(to: again, storedAs: .bfloat16)
        let file = QwenImageTransformer.weightsFile
        #expect(try Data(contentsOf: again.appending(path: file)) == Data(contentsOf: bf16.appending(path: file)))
        try model.save(to: bf16)  // replaces the folder
        #expect(try QwenImageTransformer(directory: bf16).weights.tensor("proj_out.weight").scalars
            == model.weights.tensor("proj_out.weight").scalars)
    }
}
