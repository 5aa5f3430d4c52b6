import Tensors

// The building blocks of the Qwen-Image VAE on a single frame (NCHW), after diffusers
// `src/diffusers/models/autoencoders/autoencoder_kl_qwenimage.py`. Each layer knows its
// checkpoint names and shapes (`parameters`) and reads its converted weights by those names.

/// A convolution of the VAE. `causal3D` ones are diffusers' `QwenImageCausalConv3d` (a 5-D
/// kernel `[O, I, k, k, k]`, applied to one frame as its last temporal tap with spatial padding
/// k/2), the others plain `nn.Conv2d`.
struct QwenImageVAEConvolution {
    let name: String
    let inputChannels: Int, outputChannels: Int, kernel: Int
    let causal3D: Bool
    var stride = 1
    var padding: ConvolutionPadding

    /// A causal Conv3d with kernel k and padding k/2 (what the VAE's 3×3×3 and 1×1×1 ones use).
    static func causal(_ name: String, _ inputChannels: Int, _ outputChannels: Int, kernel: Int) -> Self {
        Self(name: name, inputChannels: inputChannels, outputChannels: outputChannels, kernel: kernel, causal3D: true,
             padding: ConvolutionPadding(kernel / 2))
    }

    /// An `nn.Conv2d`.
    static func planar(
        _ name: String, _ inputChannels: Int, _ outputChannels: Int, kernel: Int, stride: Int = 1,
        padding: ConvolutionPadding
    ) -> Self {
        Self(name: name, inputChannels: inputChannels, outputChannels: outputChannels, kernel: kernel, causal3D: false,
             stride: stride, padding: padding)
    }

    var parameters: [QwenImageVAEParameter] {
        let spatial = [kernel, kernel]
        return [
            QwenImageVAEParameter(
                "\(name).weight", [outputChannels, inputChannels] + (causal3D ? [kernel] : []) + spatial),
            QwenImageVAEParameter("\(name).bias", [outputChannels]),
        ]
    }

    func callAsFunction(_ x: Tensor, _ weights: QwenImageVAEWeights) -> Tensor {
        x.conv2d(weight: weights["\(name).weight"], bias: weights["\(name).bias"], stride: stride, padding: padding)
    }
}

/// diffusers `QwenImageRMS_norm` over channels: y = x / max(‖x‖₂, 10⁻¹²) · √C · γ, the norm taken
/// over the channel axis at each pixel (`F.normalize(x, dim=1)`). γ is stored `[C, 1, 1, 1]`
/// (`images=False`, the residual blocks and output norms) or `[C, 1, 1]` (`images=True`, the
/// attention norm). The VAE's norms have no bias.
struct QwenImageVAEChannelNorm {
    let name: String
    let channels: Int
    let storedForImages: Bool

    var parameters: [QwenImageVAEParameter] {
        [QwenImageVAEParameter("\(name).gamma", [channels, 1, 1] + (storedForImages ? [] : [1]))]
    }

    func callAsFunction(_ x: Tensor, _ weights: QwenImageVAEWeights) -> Tensor {
        let gain = weights["\(name).gamma"].reshaped([channels, 1, 1]) * Float(channels).squareRoot()
        return x.l2Normalized(axis: 1, epsilon: 1e-12) * gain
    }
}

/// diffusers `QwenImageResidualBlock`: h = shortcut(x); y = conv1(SiLU(norm1(x)));
/// y = conv2(SiLU(norm2(y))) (dropout, inactive at inference, between); out = y + h. The shortcut
/// is a 1×1 causal convolution when the channel count changes, the identity otherwise.
struct QwenImageVAEResidualBlock {
    let norm1: QwenImageVAEChannelNorm, conv1: QwenImageVAEConvolution
    let norm2: QwenImageVAEChannelNorm, conv2: QwenImageVAEConvolution
    let shortcut: QwenImageVAEConvolution?

    init(_ name: String, _ inputChannels: Int, _ outputChannels: Int) {
        norm1 = QwenImageVAEChannelNorm(name: "\(name).norm1", channels: inputChannels, storedForImages: false)
        conv1 = .causal("\(name).conv1", inputChannels, outputChannels, kernel: 3)
        norm2 = QwenImageVAEChannelNorm(name: "\(name).norm2", channels: outputChannels, storedForImages: false)
        conv2 = .causal("\(name).conv2", outputChannels, outputChannels, kernel: 3)
        shortcut = inputChannels == outputChannels
            ? nil : .causal("\(name).conv_shortcut", inputChannels, outputChannels, kernel: 1)
    }

    var parameters: [QwenImageVAEParameter] {
        norm1.parameters + conv1.parameters + norm2.parameters + conv2.parameters + (shortcut?.parameters ?? [])
    }

    func callAsFunction(_ x: Tensor, _ weights: QwenImageVAEWeights) -> Tensor {
        let residual = shortcut.map { $0(x, weights) } ?? x
        let hidden = conv1(norm1(x, weights).silu(), weights)
        return conv2(norm2(hidden, weights).silu(), weights) + residual
    }
}

/// diffusers `QwenImageAttentionBlock`: single-head self-attention over the pixels of the frame.
/// q, k, v are the three channel thirds of one 1×1 convolution `to_qkv` of the normalised input;
/// out = x + proj(softmax(q·kᵀ/√C)·v), `proj` another 1×1 convolution.
struct QwenImageVAEAttentionBlock {
    let norm: QwenImageVAEChannelNorm
    let toQKV: QwenImageVAEConvolution, projection: QwenImageVAEConvolution
    let channels: Int

    /// Query rows per attention call: bounds the L×L score matrix of large frames to 16 M floats.
    static let scoreBudget = 1 << 24

    init(_ name: String, _ channels: Int) {
        self.channels = channels
        norm = QwenImageVAEChannelNorm(name: "\(name).norm", channels: channels, storedForImages: true)
        toQKV = .planar("\(name).to_qkv", channels, 3 * channels, kernel: 1, padding: .zero)
        projection = .planar("\(name).proj", channels, channels, kernel: 1, padding: .zero)
    }

    var parameters: [QwenImageVAEParameter] { norm.parameters + toQKV.parameters + projection.parameters }

    func callAsFunction(_ x: Tensor, _ weights: QwenImageVAEWeights) -> Tensor {
        let (batch, height, width) = (x.shape[0], x.shape[2], x.shape[3])
        let length = height * width
        // [N, 3C, H, W] → [N, L, 3C] → q, k, v as [N, 1, L, C].
        let qkv = toQKV(norm(x, weights), weights).reshaped([batch, 3 * channels, length]).transposed(1, 2)
        let parts = qkv.split([channels, channels, channels], axis: 2).map { $0.reshaped([batch, 1, length, channels]) }
        let (q, k, v) = (parts[0], parts[1], parts[2])
        let rowsPerCall = max(1, Self.scoreBudget / max(1, length))
        let pieces = stride(from: 0, to: length, by: rowsPerCall).map { start in
            let queries = rowsPerCall >= length ? q : q.slice(axis: 2, start..<min(start + rowsPerCall, length))
            return Tensor.scaledDotProductAttention(query: queries, key: k, value: v)
        }
        let attended = pieces.count == 1 ? pieces[0] : Tensor.concat(pieces, axis: 2)
        let image = attended.reshaped([batch, length, channels]).transposed(1, 2)
            .reshaped([batch, channels, height, width])
        return projection(image, weights) + x
    }
}

/// diffusers `QwenImageMidBlock` with one attention layer: residual, attention, residual.
struct QwenImageVAEMidBlock {
    let first: QwenImageVAEResidualBlock, attention: QwenImageVAEAttentionBlock, second: QwenImageVAEResidualBlock

    init(_ name: String, _ channels: Int) {
        first = QwenImageVAEResidualBlock("\(name).resnets.0", channels, channels)
        attention = QwenImageVAEAttentionBlock("\(name).attentions.0", channels)
        second = QwenImageVAEResidualBlock("\(name).resnets.1", channels, channels)
    }

    var parameters: [QwenImageVAEParameter] { first.parameters + attention.parameters + second.parameters }

    func callAsFunction(_ x: Tensor, _ weights: QwenImageVAEWeights) -> Tensor {
        second(attention(first(x, weights), weights), weights)
    }
}
