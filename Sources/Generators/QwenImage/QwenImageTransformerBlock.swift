import Tensors

/// The positions and key mask shared by every block's joint attention.
struct JointAttentionContext {
    /// Rotary tables of the joint [text, image] sequence, `[L, D_h/2]` or `[B, L, D_h/2]`.
    let cos: Tensor
    let sin: Tensor
    /// `[B, L_txt + N_img]`, 1 = attend (text mask, then ones); nil when every key is visible.
    let keyPadding: Tensor?
}

/// One dual-stream MMDiT block (diffusers `QwenImageTransformerBlock` with
/// `QwenDoubleStreamAttnProcessor2_0`, `src/diffusers/models/transformers/transformer_qwenimage.py`).
/// Per stream s ∈ {image, text}, with modulation (shift₁, scale₁, gate₁, shift₂, scale₂, gate₂)
/// from `img_mod`/`txt_mod` (``BlockConditioning``):
///
///     x̃_s  = LN(x_s)·(1 + scale₁) + shift₁                       LN: no affine, ε = 1e-6
///     q, k, v per stream (to_q/k/v for the image, add_q/k/v_proj for the text), per-head
///     RMSNorm on q and k (norm_q, norm_k, norm_added_q, norm_added_k), RoPE on q and k,
///     joint attention over [text, image] with key mask [text mask, ones]
///     x_s ← x_s + gate₁ ⊙ out_s                                   out: to_out.0 (image), to_add_out (text)
///     x_s ← x_s + gate₂ ⊙ FF_s(LN(x_s)·(1 + scale₂) + shift₂)     FF: net.2(GELU_tanh(net.0.proj(·)))
struct QwenImageTransformerBlock {
    let index: Int
    let configuration: QwenImageTransformerConfiguration

    var prefix: String { "transformer_blocks.\(index)" }

    /// The block's outputs for image tokens `[B, N, D]` and text tokens `[B, L, D]`.
    func callAsFunction(
        image: Tensor, text: Tensor, conditioning: BlockConditioning, attention: JointAttentionContext,
        linear: LinearLayers
    ) -> (image: Tensor, text: Tensor) {
        let epsilon = QwenImageTransformerConfiguration.normEpsilon
        let imageModulation = conditioning.image(linear, module: "\(prefix).img_mod.1")
        let textModulation = conditioning.text(linear, module: "\(prefix).txt_mod.1")

        let (imageAttended, textAttended) = jointAttention(
            image: image.layerNorm(epsilon: epsilon).modulated(
                shift: imageModulation.shift1, scale: imageModulation.scale1),
            text: text.layerNorm(epsilon: epsilon).modulated(
                shift: textModulation.shift1, scale: textModulation.scale1),
            context: attention, linear: linear)
        var image = image + imageModulation.gate1 * imageAttended
        var text = text + textModulation.gate1 * textAttended

        let imageInput = image.layerNorm(epsilon: epsilon).modulated(
            shift: imageModulation.shift2, scale: imageModulation.scale2)
        image = image + imageModulation.gate2 * feedForward(imageInput, "\(prefix).img_mlp", linear: linear)
        let textInput = text.layerNorm(epsilon: epsilon).modulated(
            shift: textModulation.shift2, scale: textModulation.scale2)
        text = text + textModulation.gate2 * feedForward(textInput, "\(prefix).txt_mlp", linear: linear)
        return (image, text)
    }

    /// Joint attention of the two streams; returns the projected image and text outputs.
    private func jointAttention(
        image: Tensor, text: Tensor, context: JointAttentionContext, linear: LinearLayers
    ) -> (image: Tensor, text: Tensor) {
        let c = configuration
        let (batch, imageLength, textLength) = (image.shape[0], image.shape[1], text.shape[1])
        let attn = "\(prefix).attn"
        /// `[B, T, D]` → `[B, T, H, D_h]`, RMS-normalised per head when `norm` names a weight.
        func heads(_ x: Tensor, _ module: String, norm: String?) -> Tensor {
            let split = linear(x, "\(attn).\(module)").reshaped([batch, x.shape[1], c.headCount, c.headDimension])
            guard let norm else { return split }
            return split.rmsNorm(
                weight: linear.parameter("\(attn).\(norm).weight"),
                epsilon: QwenImageTransformerConfiguration.normEpsilon)
        }
        /// Text then image, as `[B, H, L, D_h]`.
        func joint(_ textPart: Tensor, _ imagePart: Tensor) -> Tensor {
            Tensor.concat([textPart, imagePart], axis: 1).permuted([0, 2, 1, 3])
        }
        let query = joint(heads(text, "add_q_proj", norm: "norm_added_q"), heads(image, "to_q", norm: "norm_q"))
            .applyingRotary(cos: context.cos, sin: context.sin, layout: .interleaved)
        let key = joint(heads(text, "add_k_proj", norm: "norm_added_k"), heads(image, "to_k", norm: "norm_k"))
            .applyingRotary(cos: context.cos, sin: context.sin, layout: .interleaved)
        let value = joint(heads(text, "add_v_proj", norm: nil), heads(image, "to_v", norm: nil))
        let attended = Tensor.scaledDotProductAttention(
            query: query, key: key, value: value, keyPadding: context.keyPadding
        )
        .permuted([0, 2, 1, 3]).reshaped([batch, textLength + imageLength, c.innerDim])
        let textOut = linear(attended.slice(axis: 1, 0..<textLength), "\(attn).to_add_out")
        let imageOut = linear(attended.slice(axis: 1, textLength..<(textLength + imageLength)), "\(attn).to_out.0")
        return (imageOut, textOut)
    }

    /// diffusers `FeedForward(activation_fn="gelu-approximate")`: net.2(GELU_tanh(net.0.proj(x))).
    private func feedForward(_ x: Tensor, _ module: String, linear: LinearLayers) -> Tensor {
        linear(linear(x, "\(module).net.0.proj").gelu(), "\(module).net.2")
    }
}
