import Foundation
import Tensors

/// The Qwen-Image MMDiT (diffusers `QwenImageTransformer2DModel`,
/// `src/diffusers/models/transformers/transformer_qwenimage.py`, text-to-image configuration):
///
///     x₀   = img_in(latent tokens)                                  [B, N, D]
///     c₀   = txt_in(RMSNorm_txt_norm(text))                         [B, L, D]
///     temb = TimestepEmbedding(σ)                                   [B, D]
///     (x, c) ← block_ℓ(x, c; temb, RoPE, text mask)   ℓ = 0 … num_layers − 1
///     v    = proj_out(LN(x)·(1 + scale) + shift),  (scale, shift) = norm_out.linear(SiLU(temb))
///
/// The output is the flow-matching velocity in packed-latent space, `[B, N, patch²·out_channels]`.
/// Weights keep diffusers' state-dict names. Loaded from a folder they stay memory-mapped in their
/// storage type and each matrix is converted to Float32 only for its product; made from
/// in-memory tensors (``init(configuration:parameters:)``, e.g. a training step's tape variables)
/// the same forward runs on them and they receive gradients. A ``LoRAOverlay`` adds low-rank
/// adapters to any linear layer, and a ``TextModulation`` shifts the text stream's modulation per token.
///
/// The forward pass is differentiable: pass tracked latents, text, Δ, LoRA factors (see
/// ``LoRAOverlay/tracked(on:)``) or in-memory weights and ask their tape for gradients. The
/// timestep is not differentiated.
public final class QwenImageTransformer {
    public let configuration: QwenImageTransformerConfiguration
    /// The parameters: the memory-mapped checkpoint (``ComponentWeights``) or in-memory tensors
    /// (``InMemoryWeights``).
    public let weights: any WeightSource
    /// Every linear layer by module name (what LoRA adapters may target).
    public let linearShapes: [String: LinearShape]
    /// The active adapters, if any (nil: the base model).
    public var lora: LoRAOverlay?

    /// PEFT target names of diffusers' DreamBooth-LoRA default: the image-stream attention
    /// projections of every block.
    public static let defaultLoRATargets = ["to_q", "to_k", "to_v", "to_out.0"]

    /// Loads a diffusers `transformer/` folder: `config.json` and `diffusion_pytorch_model.safetensors`
    /// (or its sharded index).
    ///
    /// - Throws: the errors of ``QwenImageTransformerConfiguration/init(contentsOf:)`` and
    ///   ``ComponentWeights/init(directory:declared:)`` (missing, unexpected or misshapen tensors).
    public convenience init(directory: URL) throws {
        let configuration = try QwenImageTransformerConfiguration(contentsOf: directory.appending(path: "config.json"))
        try self.init(configuration: configuration, directory: directory)
    }

    /// Opens the weights of `directory` for a known configuration.
    public convenience init(configuration: QwenImageTransformerConfiguration, directory: URL) throws {
        self.init(
            configuration: configuration,
            weights: try ComponentWeights(directory: directory, declared: Self.parameterShapes(configuration)))
    }

    /// A transformer on parameters held in memory, by state-dict name (tape variables receive
    /// gradients through ``velocity(latents:imageShapes:text:textMask:timestep:modulation:)``).
    ///
    /// - Throws: see ``InMemoryWeights/init(_:declared:)`` (a missing, unexpected or misshapen tensor).
    public convenience init(configuration: QwenImageTransformerConfiguration, parameters: [String: Tensor]) throws {
        self.init(
            configuration: configuration,
            weights: try InMemoryWeights(parameters, declared: Self.parameterShapes(configuration)))
    }

    private init(configuration: QwenImageTransformerConfiguration, weights: any WeightSource) {
        self.configuration = configuration
        self.weights = weights
        linearShapes = Dictionary(uniqueKeysWithValues: Self.linearLayers(configuration))
    }

    // MARK: Parameters

    /// Every linear layer as (module name, shape), in state-dict order.
    static func linearLayers(_ c: QwenImageTransformerConfiguration) -> [(String, LinearShape)] {
        let d = c.innerDim
        func shape(_ inputs: Int, _ outputs: Int) -> LinearShape { LinearShape(inputs: inputs, outputs: outputs) }
        var layers: [(String, LinearShape)] = [
            ("img_in", shape(c.inChannels, d)), ("txt_in", shape(c.jointAttentionDim, d)),
            (TimestepEmbedding.firstLinear, shape(TimestepEmbedding.channels, d)),
            (TimestepEmbedding.secondLinear, shape(d, d)),
        ]
        for i in 0..<c.layerCount {
            let block = "transformer_blocks.\(i)"
            layers += [("\(block).img_mod.1", shape(d, 6 * d)), ("\(block).txt_mod.1", shape(d, 6 * d))]
            for name in ["to_q", "to_k", "to_v", "add_q_proj", "add_k_proj", "add_v_proj", "to_out.0", "to_add_out"] {
                layers.append(("\(block).attn.\(name)", shape(d, d)))
            }
            for stream in ["img_mlp", "txt_mlp"] {
                layers += [
                    ("\(block).\(stream).net.0.proj", shape(d, 4 * d)), ("\(block).\(stream).net.2", shape(4 * d, d)),
                ]
            }
        }
        return layers + [("norm_out.linear", shape(d, 2 * d)), ("proj_out", shape(d, c.outputWidth))]
    }

    /// Every parameter as (state-dict name, shape): the linear layers' weights and biases and the
    /// RMSNorm weights.
    public static func parameterShapes(_ c: QwenImageTransformerConfiguration) -> [(String, [Int])] {
        var list: [(String, [Int])] = [("txt_norm.weight", [c.jointAttentionDim])]
        for (module, shape) in linearLayers(c) {
            list += [("\(module).weight", [shape.outputs, shape.inputs]), ("\(module).bias", [shape.outputs])]
        }
        for i in 0..<c.layerCount {
            for norm in ["norm_q", "norm_k", "norm_added_q", "norm_added_k"] {
                list.append(("transformer_blocks.\(i).attn.\(norm).weight", [c.headDimension]))
            }
        }
        return list
    }

    // MARK: LoRA

    /// Reads a diffusers/PEFT LoRA file and makes it the active overlay.
    ///
    /// - Throws: see ``LoRAOverlay/init(contentsOf:modules:)``.
    public func loadLoRA(from url: URL) throws {
        lora = try LoRAOverlay(contentsOf: url, modules: linearShapes)
    }

    /// Writes the active overlay in diffusers' LoRA file layout.
    ///
    /// - Throws: ``GeneratorError/invalidLoRA(file:key:reason:)`` when no overlay is active, and
    ///   the errors of ``LoRAOverlay/write(to:)``.
    public func saveLoRA(to url: URL) throws {
        guard let lora else {
            throw GeneratorError.invalidLoRA(
                file: url.path(percentEncoded: false), key: "(none)", reason: "no LoRA overlay is active")
        }
        try lora.write(to: url)
    }

    /// Fresh trainable adapters on the linear layers matching `targets` (PEFT's rule: a module
    /// matches a target equal to its name or to a dotted suffix of it, so `to_q` selects every
    /// block's `attn.to_q`), initialised as ``LoRAOverlay/init(modules:rank:alpha:seed:)``.
    ///
    /// - Throws: ``GeneratorError/invalidInput(name:expected:found:)`` for a target that matches no
    ///   linear layer, or a rank below 1.
    public func makeLoRA(targets: [String] = defaultLoRATargets, rank: Int = 4, alpha: Float = 4, seed: UInt64 = 0)
        throws -> LoRAOverlay
    {
        guard rank > 0 else {
            throw GeneratorError.invalidInput(name: "LoRA rank", expected: "at least 1", found: "\(rank)")
        }
        var modules: [String: LinearShape] = [:]
        for target in targets {
            let matching = linearShapes.filter { $0.key == target || $0.key.hasSuffix("." + target) }
            guard !matching.isEmpty else {
                throw GeneratorError.invalidInput(
                    name: "LoRA target", expected: "the name or suffix of a linear layer", found: target)
            }
            modules.merge(matching) { first, _ in first }
        }
        return LoRAOverlay(modules: modules, rank: rank, alpha: alpha, seed: seed)
    }

    // MARK: Forward

    /// The velocity prediction for packed latents.
    ///
    /// - Parameters:
    ///   - latents: packed image tokens `[B, N, in_channels]` (see ``LatentPacking``).
    ///   - imageShapes: the packed grid of each sample (`B` shapes) or one shared by all; each holds
    ///     N tokens. Text positions start past each sample's own grid.
    ///   - text: text-encoder hidden states `[B, L, joint_attention_dim]`.
    ///   - textMask: `[B, L]`, 1 for real tokens and 0 for padding (nil: all real).
    ///   - timestep: σ per sample, `[B]` (the pipeline's t/1000).
    ///   - modulation: optional per-token text-stream modulation (Δ `[B, L, D]`, mask `[B, L]`,
    ///     optional per-block Δ_ℓ).
    /// - Returns: `[B, N, patch²·out_channels]`.
    /// - Throws: ``GeneratorError/invalidInput(name:expected:found:)`` for any input whose shape
    ///   does not fit the model or the others; ``GeneratorError/invalidLoRA(file:key:reason:)`` when
    ///   the active overlay names a module the model lacks or does not fit its shape.
    public func velocity(
        latents: Tensor, imageShapes: [PackedImageShape], text: Tensor, textMask: Tensor? = nil,
        timestep: Tensor, modulation: TextModulation? = nil
    ) throws -> Tensor {
        try forward(
            latents: latents, imageShapes: imageShapes, text: text, textMask: textMask,
            timestep: timestep, modulation: modulation)
    }

    /// The text stream's input, txt_in(RMSNorm(h)): encoder hidden states `[B, L, joint_attention_dim]`
    /// → `[B, L, D]`, the generator's own image of text in its width (Mod-Adapter's pretraining targets).
    public func textProjection(_ text: Tensor) -> Tensor {
        textProjection(text, linear: LinearLayers(weights: weights, lora: lora))
    }

    private func textProjection(_ text: Tensor, linear: LinearLayers) -> Tensor {
        linear(text.rmsNorm(weight: weights.tensor("txt_norm.weight"), epsilon: QwenImageTransformerConfiguration.normEpsilon), "txt_in")
    }

    /// temb for σ per sample, `[B]` → `[B, D]`.
    public func timestepEmbedding(_ timestep: Tensor) -> Tensor {
        TimestepEmbedding.embedding(timestep.scalars, linear: LinearLayers(weights: weights, lora: lora))
    }

    /// ``velocity(latents:imageShapes:text:textMask:timestep:modulation:)``, calling `afterBlock`
    /// with each block's index and (image, text) outputs.
    func forward(
        latents: Tensor, imageShapes: [PackedImageShape], text: Tensor, textMask: Tensor?, timestep: Tensor,
        modulation: TextModulation?, afterBlock: ((Int, Tensor, Tensor) -> Void)? = nil
    ) throws -> Tensor {
        let shapes = try QwenImageInputs.validate(
            configuration: configuration, latents: latents, imageShapes: imageShapes, text: text, textMask: textMask,
            timestep: timestep, modulation: modulation)
        try lora?.check(against: linearShapes)
        let linear = LinearLayers(weights: weights, lora: lora)
        let epsilon = QwenImageTransformerConfiguration.normEpsilon
        let textLength = text.shape[1]

        var image = linear(latents, "img_in")
        var context = textProjection(text, linear: linear)
        let temb = TimestepEmbedding.embedding(timestep.scalars, linear: linear)
        let conditioning = BlockConditioning(temb: temb, textLength: textLength, modulation: modulation)
        let (cos, sin) = QwenImageRotaryEmbedding(axes: configuration.rotaryAxes).tables(
            images: shapes, textLength: textLength)
        let attention = JointAttentionContext(
            cos: cos, sin: sin,
            keyPadding: textMask.flatMap { QwenImageInputs.keyPadding(textMask: $0, imageLength: latents.shape[1]) })

        for index in 0..<configuration.layerCount {
            let block = QwenImageTransformerBlock(index: index, configuration: configuration)
            let blockConditioning = modulation?.blockDeltas == nil
                ? conditioning
                : BlockConditioning(temb: temb, textLength: textLength, modulation: modulation?.block(index))
            (image, context) = block(
                image: image, text: context, conditioning: blockConditioning, attention: attention, linear: linear)
            afterBlock?(index, image, context)
        }
        let output = linear(conditioning.activated, "norm_out.linear").reshaped([
            latents.shape[0], 1, 2 * configuration.innerDim,
        ])
        let parts = output.split([configuration.innerDim, configuration.innerDim], axis: 2)
        let normed = image.layerNorm(epsilon: epsilon).modulated(shift: parts[1], scale: parts[0])
        return linear(normed, "proj_out")
    }
}
