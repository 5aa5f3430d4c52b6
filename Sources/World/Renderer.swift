import Imaging

/// Draws a ``Scene`` as a small RGB image with anti-aliased edges.
///
/// Each pixel is split into `subsamples × subsamples` sub-pixels (4 × 4 by default); every
/// sub-pixel centre gets an analytic inside test (``ShapeGeometry``). A sub-pixel inside the shape
/// takes the object colour or, where the pattern says so, its pattern shade; outside it takes the
/// background colour. The pixel is the mean of its sub-pixels in sRGB byte space, rounded; its
/// coverage is the fraction of sub-pixels inside, and the mask marks pixels with coverage ≥ 0.5.
///
/// Geometry on an `S × S` image: the object centre is `(S/2 + offsetX, S/2 + offsetY)`; its radius
/// is `S × 6.5/32` (small, ≈ 13 px across at 32) or `S × 11.5/32` (large, ≈ 23 px across).
/// Pattern periods are in pixels, independent of `S`.
public enum Renderer {
    /// The object's radius in pixels on an image `size` pixels wide.
    public static func radius(of objectSize: ObjectSize, imageSize: Int) -> Float {
        Float(imageSize) * (objectSize == .small ? 6.5 : 11.5) / 32
    }

    /// Renders `scene` on a `size × size` image.
    /// - Throws: ``WorldError/invalidArgument(name:expected:found:)`` when `size` is below 8 or
    ///   above 1024, or `subsamples` is not in 1...16.
    /// - Complexity: O(size² × subsamples²).
    public static func render(_ scene: Scene, size: Int = 32, subsamples: Int = 4) throws -> Render {
        guard (8...1024).contains(size) else {
            throw WorldError.invalidArgument(name: "size", expected: "8...1024", found: "\(size)")
        }
        guard (1...16).contains(subsamples) else {
            throw WorldError.invalidArgument(name: "subsamples", expected: "1...16", found: "\(subsamples)")
        }
        let object = scene.object
        let radius = radius(of: object.size, imageSize: size)
        let centreX = Float(size) / 2 + Float(scene.offsetX)
        let centreY = Float(size) / 2 + Float(scene.offsetY)
        let body = object.colour.rgb.map(Float.init)
        let shade = object.colour.patternRGB.map(Float.init)
        let background = scene.background.rgb.map(Float.init)
        let sampleCount = Float(subsamples * subsamples)
        let step = 1 / Float(subsamples)

        var pixels = [UInt8](repeating: 0, count: size * size * 3)
        var coverage = [Float](repeating: 0, count: size * size)
        var mask = [UInt8](repeating: 0, count: size * size)
        for row in 0..<size {
            for column in 0..<size {
                var inside = 0, shaded = 0
                for sy in 0..<subsamples {
                    let y = Float(row) + (Float(sy) + 0.5) * step - centreY
                    for sx in 0..<subsamples {
                        let x = Float(column) + (Float(sx) + 0.5) * step - centreX
                        guard ShapeGeometry.contains(object.shape, u: x / radius, v: y / radius) else { continue }
                        inside += 1
                        if ShapeGeometry.isPatternShade(object.pattern, x: x, y: y) { shaded += 1 }
                    }
                }
                let pixel = row * size + column
                let outside = subsamples * subsamples - inside
                for channel in 0..<3 {
                    let sum = Float(inside - shaded) * body[channel] + Float(shaded) * shade[channel]
                        + Float(outside) * background[channel]
                    pixels[pixel * 3 + channel] = UInt8((sum / sampleCount).rounded())
                }
                coverage[pixel] = Float(inside) / sampleCount
                mask[pixel] = 2 * inside >= subsamples * subsamples ? 1 : 0
            }
        }
        return Render(image: try Image(width: size, height: size, layout: .rgb, pixels: pixels),
                      coverage: coverage, mask: mask)
    }

    /// A sheet of renders for documentation: `scenes` drawn at `size`, enlarged `scale` times by
    /// pixel repetition (nearest neighbour), `columns` per row, 2 × `scale` white pixels apart.
    /// - Throws: what ``render(_:size:subsamples:)`` and `ImageGrid.compose` throw, and
    ///   ``WorldError/invalidArgument(name:expected:found:)`` for `scale` outside 1...16.
    public static func sampleSheet(_ scenes: [Scene], size: Int = 32, scale: Int = 3, columns: Int) throws -> Image {
        try sheet(try scenes.map { try render($0, size: size).image }, scale: scale, columns: columns)
    }

    /// A sheet of `images` (renders, a generator's samples) laid out as ``sampleSheet(_:size:scale:columns:)`` does.
    /// - Throws: what `ImageGrid.compose` throws, and ``WorldError/invalidArgument(name:expected:found:)``
    ///   for `scale` outside 1...16.
    public static func sheet(_ images: [Image], scale: Int = 3, columns: Int) throws -> Image {
        guard (1...16).contains(scale) else {
            throw WorldError.invalidArgument(name: "scale", expected: "1...16", found: "\(scale)")
        }
        let large = try images.map { try $0.enlarged(by: scale) }
        return try ImageGrid.compose(large, columns: columns, spacing: 2 * scale, background: [255, 255, 255])
    }
}
