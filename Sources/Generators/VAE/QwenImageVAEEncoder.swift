import Tensors

/// diffusers `QwenImageEncoder3d` on a single frame: conv_in, then per stage `num_res_blocks`
/// residual blocks (the first changes the width) and, between stages, a downsample; then the mid
/// block, RMS norm, SiLU and conv_out to 2·z_dim channels (mean and log-variance).
///
/// `down_blocks` is one flat list in diffusers, so its indices count residual blocks and
/// downsamplers together (with 1 block per stage: 0 residual, 1 downsample, 2 residual, …).
struct QwenImageVAEEncoder {
    enum Stage {
        case residual(QwenImageVAEResidualBlock)
        case downsample(QwenImageVAEDownsample)
    }

    let convIn: QwenImageVAEConvolution
    let stages: [Stage]
    let midBlock: QwenImageVAEMidBlock
    let normOut: QwenImageVAEChannelNorm
    let convOut: QwenImageVAEConvolution

    init(_ configuration: QwenImageVAEConfiguration) {
        let prefix = "encoder", channels = configuration.encoderChannels
        convIn = .causal("\(prefix).conv_in", configuration.inputChannels, channels[0], kernel: 3)
        var stages: [Stage] = []
        for stage in 0..<configuration.dimMult.count {
            var width = channels[stage]
            for _ in 0..<configuration.resBlockCount {
                stages.append(.residual(QwenImageVAEResidualBlock(
                    "\(prefix).down_blocks.\(stages.count)", width, channels[stage + 1])))
                width = channels[stage + 1]
            }
            if stage < configuration.dimMult.count - 1 {
                stages.append(.downsample(QwenImageVAEDownsample(
                    "\(prefix).down_blocks.\(stages.count)", width,
                    temporal: configuration.temporalDownsample[stage])))
            }
        }
        self.stages = stages
        let width = channels[channels.count - 1]
        midBlock = QwenImageVAEMidBlock("\(prefix).mid_block", width)
        normOut = QwenImageVAEChannelNorm(name: "\(prefix).norm_out", channels: width, storedForImages: false)
        convOut = .causal("\(prefix).conv_out", width, 2 * configuration.zDim, kernel: 3)
    }

    var parameters: [QwenImageVAEParameter] {
        convIn.parameters + stages.flatMap { stage -> [QwenImageVAEParameter] in
            switch stage {
            case .residual(let block): block.parameters
            case .downsample(let block): block.parameters
            }
        } + midBlock.parameters + normOut.parameters + convOut.parameters
    }

    /// `[N, input_channels, H, W]` → `[N, 2·z_dim, H/f, W/f]`.
    func callAsFunction(_ image: Tensor, _ weights: QwenImageVAEWeights) -> Tensor {
        var x = convIn(image, weights)
        for stage in stages {
            switch stage {
            case .residual(let block): x = block(x, weights)
            case .downsample(let block): x = block(x, weights)
            }
        }
        x = midBlock(x, weights)
        return convOut(normOut(x, weights).silu(), weights)
    }
}
