import Tensors

/// diffusers `QwenImageDecoder3d` on a single frame: conv_in from z_dim channels, the mid block,
/// then per stage an up block of `num_res_blocks + 1` residual blocks followed (except in the
/// last stage) by an upsampler that doubles the side and halves the channels; then RMS norm,
/// SiLU and conv_out to the image channels. (The clamp to [−1, 1] is the autoencoder's.)
struct QwenImageVAEDecoder {
    struct UpBlock {
        let residualBlocks: [QwenImageVAEResidualBlock]
        let upsample: QwenImageVAEUpsample?

        var parameters: [QwenImageVAEParameter] {
            residualBlocks.flatMap(\.parameters) + (upsample?.parameters ?? [])
        }

        func callAsFunction(_ x: Tensor, _ weights: QwenImageVAEWeights) -> Tensor {
            let hidden = residualBlocks.reduce(x) { $1($0, weights) }
            return upsample.map { $0(hidden, weights) } ?? hidden
        }
    }

    let convIn: QwenImageVAEConvolution
    let midBlock: QwenImageVAEMidBlock
    let upBlocks: [UpBlock]
    let normOut: QwenImageVAEChannelNorm
    let convOut: QwenImageVAEConvolution

    init(_ configuration: QwenImageVAEConfiguration) {
        let prefix = "decoder", channels = configuration.decoderChannels
        let stageCount = configuration.dimMult.count
        // The decoder's temporal flags are the encoder's reversed.
        let temporalUpsample = Array(configuration.temporalDownsample.reversed())
        convIn = .causal("\(prefix).conv_in", configuration.zDim, channels[0], kernel: 3)
        midBlock = QwenImageVAEMidBlock("\(prefix).mid_block", channels[0])
        upBlocks = (0..<stageCount).map { stage in
            let name = "\(prefix).up_blocks.\(stage)"
            // After an upsampler the width is halved.
            var width = stage == 0 ? channels[0] : channels[stage] / 2
            let output = channels[stage + 1]
            let blocks = (0...configuration.resBlockCount).map { index in
                defer { width = output }
                return QwenImageVAEResidualBlock("\(name).resnets.\(index)", width, output)
            }
            let upsample = stage == stageCount - 1
                ? nil : QwenImageVAEUpsample("\(name).upsamplers.0", output, temporal: temporalUpsample[stage])
            return UpBlock(residualBlocks: blocks, upsample: upsample)
        }
        let width = channels[channels.count - 1]
        normOut = QwenImageVAEChannelNorm(name: "\(prefix).norm_out", channels: width, storedForImages: false)
        convOut = .causal("\(prefix).conv_out", width, configuration.inputChannels, kernel: 3)
    }

    var parameters: [QwenImageVAEParameter] {
        convIn.parameters + midBlock.parameters + upBlocks.flatMap(\.parameters) + normOut.parameters
            + convOut.parameters
    }

    /// `[N, z_dim, h, w]` (after post_quant_conv) → `[N, input_channels, h·f, w·f]`, unclamped.
    func callAsFunction(_ latents: Tensor, _ weights: QwenImageVAEWeights) -> Tensor {
        let x = upBlocks.reduce(midBlock(convIn(latents, weights), weights)) { $1($0, weights) }
        return convOut(normOut(x, weights).silu(), weights)
    }
}
