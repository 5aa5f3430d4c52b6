import Foundation
import Tensors

/// The packed-token grid of one image: frames × height × width tokens (for a single image,
/// frames = 1, height = H/16 and width = W/16 in pixels, i.e. latent size / 2).
public struct PackedImageShape: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var frames: Int
    public var height: Int
    public var width: Int

    public init(frames: Int = 1, height: Int, width: Int) {
        self.frames = frames
        self.height = height
        self.width = width
    }

    /// frames · height · width.
    public var tokenCount: Int { frames * height * width }
    public var description: String { "(\(frames), \(height), \(width))" }
}

/// Qwen-Image's multimodal scalable RoPE ("MSRoPE", diffusers `QwenEmbedRope` with
/// `scale_rope=True` in `src/diffusers/models/transformers/transformer_qwenimage.py`).
///
/// The head dimension is split into three axes (frame, height, width) of widths d_a from
/// `axes_dims_rope`; pair k of axis a rotates by p_a·ω_{a,k} with ω_{a,k} = 10000^(−2k/d_a), and pairs
/// are interleaved features (2k, 2k+1), i.e. the complex product (x_{2k} + i·x_{2k+1})·e^{iθ}.
/// Positions:
/// - image token (f, r, c) of an h×w grid: (f, r − (h − ⌊h/2⌋), c − (w − ⌊w/2⌋)), centred on 0;
/// - text token t: the same position m + t on all three axes, m = max(⌊h/2⌋, ⌊w/2⌋), so the text
///   sits on the diagonal just past the image.
///
/// Angles are formed in Float32 as diffusers forms them (ω in Float32, p·ω in Float32), and their
/// cosines and sines are rounded once from Float64.
struct QwenImageRotaryEmbedding {
    /// Axis widths (d_frame, d_height, d_width), each even, adding up to the head dimension.
    let axes: [Int]
    static let theta: Double = 10000

    private var frequencies: [[Float]] {
        axes.map { width in
            (0..<(width / 2)).map { k in Float(1 / Foundation.pow(Self.theta, Double(2 * k) / Double(width))) }
        }
    }

    /// cos and sin tables of the joint sequence [`textLength` text tokens, image tokens] for every
    /// sample: `[L, D/2]` when all samples share one image shape, `[B, L, D/2]` otherwise.
    func tables(images: [PackedImageShape], textLength: Int) -> (cos: Tensor, sin: Tensor) {
        let distinct = Set(images)
        let perSample = distinct.count == 1 ? [images[0]] : images
        let length = textLength + images[0].tokenCount
        let half = axes.reduce(0, +) / 2
        let omega = frequencies
        var cosines = [Float]()
        var sines = [Float]()
        cosines.reserveCapacity(perSample.count * length * half)
        sines.reserveCapacity(perSample.count * length * half)
        func append(_ positions: (Int, Int, Int)) {
            for (axis, p) in [positions.0, positions.1, positions.2].enumerated() {
                for w in omega[axis] {
                    let angle = Double(Float(p) * w)
                    cosines.append(Float(Foundation.cos(angle)))
                    sines.append(Float(Foundation.sin(angle)))
                }
            }
        }
        for image in perSample {
            let (h, w) = (image.height, image.width)
            let textStart = max(h / 2, w / 2)
            for t in 0..<textLength { append((textStart + t, textStart + t, textStart + t)) }
            for f in 0..<image.frames {
                for r in 0..<h {
                    for c in 0..<w { append((f, r - (h - h / 2), c - (w - w / 2))) }
                }
            }
        }
        let shape = perSample.count == 1 ? [length, half] : [perSample.count, length, half]
        return (Tensor(shape: shape, scalars: cosines), Tensor(shape: shape, scalars: sines))
    }
}
