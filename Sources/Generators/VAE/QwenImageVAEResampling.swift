import Tensors

// The spatial resamplers of the Qwen-Image VAE on a single frame (diffusers `QwenImageResample`
// in `src/diffusers/models/autoencoders/autoencoder_kl_qwenimage.py`).
//
// The "3d" modes add a temporal convolution `time_conv`. On the first chunk of frames (all of a
// single image) diffusers skips it: `downsample3d` only caches its input when the cache slot is
// empty, and `upsample3d` only marks its slot "Rep". So a frame goes through the spatial part
// alone, and `time_conv`'s weights are declared but unused.

/// `downsample2d` / `downsample3d`: `nn.ZeroPad2d((0, 1, 0, 1))` (one zero column on the right,
/// one zero row at the bottom), then a 3×3 stride-2 `nn.Conv2d`: H×W → ⌊H/2⌋×⌊W/2⌋.
struct QwenImageVAEDownsample {
    let convolution: QwenImageVAEConvolution
    let temporalConvolution: [QwenImageVAEParameter]

    init(_ name: String, _ channels: Int, temporal: Bool) {
        convolution = .planar("\(name).resample.1", channels, channels, kernel: 3, stride: 2,
                              padding: ConvolutionPadding(top: 0, bottom: 1, left: 0, right: 1))
        // time_conv: QwenImageCausalConv3d(C, C, (3, 1, 1), stride (2, 1, 1)).
        temporalConvolution = temporal ? [
            QwenImageVAEParameter("\(name).time_conv.weight", [channels, channels, 3, 1, 1], usedOnSingleFrame: false),
            QwenImageVAEParameter("\(name).time_conv.bias", [channels], usedOnSingleFrame: false),
        ] : []
    }

    var parameters: [QwenImageVAEParameter] { convolution.parameters + temporalConvolution }

    func callAsFunction(_ x: Tensor, _ weights: QwenImageVAEWeights) -> Tensor { convolution(x, weights) }
}

/// `upsample2d` / `upsample3d`: nearest-exact 2× upsampling (exactly nearest for a factor of 2),
/// then a 3×3 `nn.Conv2d` with padding 1 that halves the channels.
struct QwenImageVAEUpsample {
    let convolution: QwenImageVAEConvolution
    let temporalConvolution: [QwenImageVAEParameter]

    init(_ name: String, _ channels: Int, temporal: Bool) {
        convolution = .planar("\(name).resample.1", channels, channels / 2, kernel: 3, padding: ConvolutionPadding(1))
        // time_conv: QwenImageCausalConv3d(C, 2C, (3, 1, 1)), which would double the frame count.
        temporalConvolution = temporal ? [
            QwenImageVAEParameter(
                "\(name).time_conv.weight", [2 * channels, channels, 3, 1, 1], usedOnSingleFrame: false),
            QwenImageVAEParameter("\(name).time_conv.bias", [2 * channels], usedOnSingleFrame: false),
        ] : []
    }

    var parameters: [QwenImageVAEParameter] { convolution.parameters + temporalConvolution }

    func callAsFunction(_ x: Tensor, _ weights: QwenImageVAEWeights) -> Tensor {
        convolution(x.upsampledNearest(factor: 2), weights)
    }
}
