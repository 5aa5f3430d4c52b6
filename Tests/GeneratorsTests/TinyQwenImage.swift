import Foundation
import ModelIO
import Tensors

@testable import Generators

/// Small random-weight Qwen-Image transformers written to temporary folders, for tests that need
/// no reference values (shapes, errors, invariances, gradients, LoRA files). Parity with diffusers
/// is tested on the committed fixtures instead.
enum TinyQwenImage {
    /// diffusers' test configuration (tests/pipelines/qwenimage/test_qwenimage.py).
    static let configuration = QwenImageTransformerConfiguration(
        patchSize: 2, inChannels: 16, outChannels: 4, layerCount: 2, headDimension: 16, headCount: 3,
        jointAttentionDim: 16, rotaryAxes: [8, 4, 4])

    /// The `config.json` values of `c`, as diffusers writes them.
    static func configValues(_ c: QwenImageTransformerConfiguration) -> [String: Any] {
        [
            "_class_name": "QwenImageTransformer2DModel", "_diffusers_version": "0.36.0", "patch_size": c.patchSize,
            "in_channels": c.inChannels, "out_channels": c.outChannels, "num_layers": c.layerCount,
            "attention_head_dim": c.headDimension, "num_attention_heads": c.headCount,
            "joint_attention_dim": c.jointAttentionDim, "guidance_embeds": false, "axes_dims_rope": c.rotaryAxes,
            "zero_cond_t": false, "use_additional_t_cond": false, "use_layer3d_rope": false,
        ]
    }

    /// Random weights for `c`: matrices N(0, scale²), norm weights 1 + N(0, 0.1²), biases N(0, 0.1²).
    static func weights(_ c: QwenImageTransformerConfiguration, seed: UInt64, scale: Float = 0.2) -> [(String, Tensor)]
    {
        var random = RandomGenerator(seed: seed)
        return QwenImageTransformer.parameterShapes(c).map { name, shape in
            if shape.count == 2 { return (name, random.normal(shape, standardDeviation: scale)) }
            let mean: Float = name.hasSuffix(".bias") ? 0 : 1
            return (name, random.normal(shape, mean: mean, standardDeviation: 0.1))
        }
    }

    /// Writes `config.json` and `diffusion_pytorch_model.safetensors`; `edit` may change either.
    @discardableResult
    static func write(
        to directory: URL, configuration c: QwenImageTransformerConfiguration = configuration, seed: UInt64 = 1,
        editConfig: (inout [String: Any]) -> Void = { _ in }, editWeights: (inout [(String, Tensor)]) -> Void = { _ in }
    ) throws -> URL {
        var config = configValues(c)
        editConfig(&config)
        try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys]).write(
            to: directory.appending(path: "config.json"))
        var tensors = weights(c, seed: seed)
        editWeights(&tensors)
        try SafetensorsWriter.write(tensors, to: directory.appending(path: "diffusion_pytorch_model.safetensors"))
        return directory
    }

    /// Inputs for `c`: B samples of an h×w packed grid and L text tokens; the second sample's last
    /// two text tokens are padding when B > 1.
    struct Inputs {
        var latents: Tensor
        var imageShape: PackedImageShape
        var text: Tensor
        var textMask: Tensor
        var timestep: Tensor
    }

    static func inputs(
        _ c: QwenImageTransformerConfiguration = configuration, batch: Int = 2, height: Int = 4, width: Int = 6,
        textLength: Int = 7, seed: UInt64 = 11
    ) -> Inputs {
        var random = RandomGenerator(seed: seed)
        let mask = Tensor(shape: [batch, textLength]) { buffer in
            for b in 0..<batch {
                for t in 0..<textLength { buffer[b * textLength + t] = b == 1 && t >= textLength - 2 ? 0 : 1 }
            }
        }
        return Inputs(
            latents: random.normal([batch, height * width, c.inChannels]),
            imageShape: PackedImageShape(frames: 1, height: height, width: width),
            text: random.normal([batch, textLength, c.jointAttentionDim]), textMask: mask,
            timestep: random.uniform([batch], low: 0.05, high: 0.95))
    }
}
