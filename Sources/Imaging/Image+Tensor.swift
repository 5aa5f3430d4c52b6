import Tensors

/// The interval that Float32 image tensors use for black (low) to full intensity (high).
public enum TensorValueRange: Sendable, Hashable {
    /// `[0, 1]`: byte `b` ↔ value `b / 255`.
    case zeroToOne
    /// `[-1, 1]`, as diffusion models and VAEs use: byte `b` ↔ value `2 b / 255 − 1`.
    case minusOneToOne
}

extension Image {
    /// An image from a Float32 tensor of shape `[channels, height, width]` (channel-first, as in
    /// PyTorch and diffusers) with 1, 3 or 4 channels (gray, RGB, RGBA).
    ///
    /// Each value `v` becomes the byte `round(255 × clamp(u, 0, 1))`, where `u = v` for
    /// ``TensorValueRange/zeroToOne`` and `u = v / 2 + 0.5` for ``TensorValueRange/minusOneToOne``.
    /// The arithmetic is Float32 and `round` is to nearest with ties to even, exactly as diffusers'
    /// `denormalize` followed by `numpy_to_pil` (`(images * 255).round().astype("uint8")`), so the bytes
    /// match a diffusers pipeline's PIL output. Values outside the range (including ±∞) are clamped.
    ///
    /// - Parameters:
    ///   - tensor: the image, shape `[C, H, W]` with `C` in {1, 3, 4} and `H, W ≥ 1`.
    ///   - range: the interval the tensor's values live in.
    /// - Throws: ``ImagingError/unsupportedTensorShape(shape:expected:)`` for other shapes,
    ///   ``ImagingError/nonFiniteTensorValue(index:)`` for NaN, and
    ///   ``ImagingError/unsupportedDimensions(source:detail:)`` for images above the size limit.
    /// - Complexity: O(C × H × W).
    public init(tensor: Tensor, range: TensorValueRange) throws {
        let expected = "[channels, height, width] with channels 1, 3 or 4"
        guard tensor.rank == 3, let layout = PixelLayout(channelCount: tensor.shape[0]) else {
            throw ImagingError.unsupportedTensorShape(shape: tensor.shape, expected: expected)
        }
        let (channels, height, width) = (tensor.shape[0], tensor.shape[1], tensor.shape[2])
        let byteCount = try Image.validatedByteCount(width: width, height: height, layout: layout, source: "<tensor>")
        let planeSize = height * width
        var pixels = [UInt8](repeating: 0, count: byteCount)
        try tensor.withUnsafeBufferPointer { values in
            for channel in 0..<channels {
                for position in 0..<planeSize {
                    let index = channel * planeSize + position
                    let value = values[index]
                    guard !value.isNaN else { throw ImagingError.nonFiniteTensorValue(index: index) }
                    let unit = range == .zeroToOne ? value : value / 2 + 0.5
                    let scaled = (min(max(unit, 0), 1) * 255).rounded(.toNearestOrEven)
                    pixels[position * channels + channel] = UInt8(scaled)
                }
            }
        }
        try self.init(width: width, height: height, layout: layout, pixels: pixels)
    }

    /// The image as a Float32 tensor of shape `[channels, height, width]`, each byte `b` mapped to
    /// `b / 255` (``TensorValueRange/zeroToOne``) or `2 b / 255 − 1` (``TensorValueRange/minusOneToOne``).
    ///
    /// `Image(tensor: image.tensor(range: r), range: r)` gives back `image` exactly.
    /// - Complexity: O(width × height × channels).
    public func tensor(range: TensorValueRange) -> Tensor {
        let channels = layout.channelCount
        let planeSize = width * height
        return Tensor(shape: [channels, height, width]) { values in
            for position in 0..<planeSize {
                for channel in 0..<channels {
                    let unit = Float(pixels[position * channels + channel]) / 255
                    values[channel * planeSize + position] = range == .zeroToOne ? unit : unit * 2 - 1
                }
            }
        }
    }
}
