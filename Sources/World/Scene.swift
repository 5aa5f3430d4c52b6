import Imaging
import Tensors

/// One picture of the world: an object on a background, moved from the image centre by a small
/// offset (the position jitter).
public struct Scene: Codable, Sendable, Hashable {
    public var object: ObjectDescription
    public var background: Background
    /// Pixels right (x) and down (y) from the image centre.
    public var offsetX: Int
    public var offsetY: Int

    public init(object: ObjectDescription, background: Background, offsetX: Int = 0, offsetY: Int = 0) {
        self.object = object
        self.background = background
        self.offsetX = offsetX
        self.offsetY = offsetY
    }

    /// "a small red striped star on a grey background".
    public var caption: String { "\(object.phrase) \(background.phrase)" }

    /// The largest |offset| per axis that keeps an object of `size` inside a 32×32 image with a
    /// margin of at least one pixel: 5 px for small objects (radius 6.5), 3 px for large ones (11.5).
    public static func maximumOffset(for size: ObjectSize) -> Int { size == .small ? 5 : 3 }

    /// A scene of `object` on a background drawn uniformly from those other than `excluded`, with a
    /// uniform jitter in `-maximumOffset...maximumOffset` on each axis (three draws from `random`).
    public static func random(
        _ object: ObjectDescription, excluding excluded: Background? = nil, using random: inout RandomGenerator
    ) -> Scene {
        let backgrounds = Background.allCases.filter { $0 != excluded }
        return Scene.random(object, on: backgrounds[random.nextInt(in: 0..<backgrounds.count)], using: &random)
    }

    /// A scene of `object` on `background` with a uniform jitter in `-maximumOffset...maximumOffset`
    /// on each axis (two draws from `random`).
    public static func random(
        _ object: ObjectDescription, on background: Background, using random: inout RandomGenerator
    ) -> Scene {
        let limit = maximumOffset(for: object.size)
        return Scene(object: object, background: background,
                     offsetX: random.nextInt(in: -limit..<(limit + 1)), offsetY: random.nextInt(in: -limit..<(limit + 1)))
    }
}

/// A rendered scene: the RGB image, the object's per-pixel coverage, and its mask.
public struct Render: Sendable, Hashable {
    /// The picture, ``PixelLayout/rgb``.
    public var image: Image
    /// For each pixel (row-major, `height × width`), the fraction of its sub-samples inside the
    /// object's outline, in [0, 1]; strictly between 0 and 1 on anti-aliased edges.
    public var coverage: [Float]
    /// For each pixel (row-major), 1 where the pixel belongs to the object (coverage ≥ 0.5), else 0.
    public var mask: [UInt8]

    /// The image as a Float32 tensor `[3, height, width]` with values in [0, 1].
    public var tensor: Tensor { image.tensor(range: .zeroToOne) }

    /// The mask as a grey image (0 background, 255 object), for PNG files.
    public func maskImage() throws -> Image {
        try Image(width: image.width, height: image.height, layout: .gray, pixels: mask.map { $0 * 255 })
    }

    /// The number of object pixels (mask area).
    public var maskArea: Int { mask.reduce(0) { $0 + Int($1) } }
}
