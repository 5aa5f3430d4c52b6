import Foundation
import ModelIO
import Tensors

/// Writing a transformer as a diffusers `transformer/` folder (`QwenImageTransformer2DModel.save_pretrained`'s
/// layout): `config.json` and `diffusion_pytorch_model.safetensors` (metadata `format: pt`),
/// which ``QwenImageTransformer/init(directory:)`` and diffusers' `from_pretrained` read.
extension QwenImageTransformer {
    /// The weights file of a `transformer/` folder.
    public static let weightsFile = "diffusion_pytorch_model.safetensors"

    /// Saves the parameters (whatever their source) and the configuration into the folder
    /// `directory`, atomically: it is assembled under a hidden sibling and renamed into place,
    /// replacing an existing folder.
    ///
    /// - Parameter dtype: `.float32` (read back bit-identically), or `.bfloat16` / `.float16`
    ///   (rounded to nearest even; what is read back is the rounded value, bit for bit).
    /// - Throws: ``ModelIOError`` when a file cannot be written.
    public func save(to directory: URL, storedAs dtype: DType = .float32) throws {
        let names = Self.parameterShapes(configuration).map(\.0)
        try AtomicDirectory.write(directory) { staging in
            try JSONSerialization.data(
                withJSONObject: configuration.diffusersConfig, options: [.prettyPrinted, .sortedKeys]
            ).write(to: staging.appending(path: "config.json"))
            try SafetensorsWriter.write(
                names.map { SafetensorsEntry($0, weights.tensor($0).detached(), storedAs: dtype) },
                to: staging.appending(path: Self.weightsFile), metadata: ["format": "pt"])
        }
    }
}

extension QwenImageTransformerConfiguration {
    /// The `config.json` of a diffusers `transformer/` folder for this configuration (the
    /// text-to-image flags all false, as ``init(contentsOf:)`` requires).
    public var diffusersConfig: [String: Any] {
        [
            "_class_name": "QwenImageTransformer2DModel", "_diffusers_version": "0.36.0", "patch_size": patchSize,
            "in_channels": inChannels, "out_channels": outChannels, "num_layers": layerCount,
            "attention_head_dim": headDimension, "num_attention_heads": headCount,
            "joint_attention_dim": jointAttentionDim, "axes_dims_rope": rotaryAxes, "guidance_embeds": false,
            "zero_cond_t": false, "use_additional_t_cond": false, "use_layer3d_rope": false,
        ]
    }
}
