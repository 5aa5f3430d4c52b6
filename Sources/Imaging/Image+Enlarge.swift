extension Image {
    /// The image with every pixel repeated `scale × scale` times (nearest neighbour), for showing
    /// small images (the tiny world's 32×32 renders and samples) in documents.
    ///
    /// - Throws: ``ImagingError/unsupportedDimensions(source:detail:)`` for `scale` outside 1...64
    ///   or a result over ``maximumByteCount``.
    /// - Complexity: O(width × height × scale² × channels).
    public func enlarged(by scale: Int) throws -> Image {
        guard (1...64).contains(scale), width * height * layout.channelCount * scale * scale <= Image.maximumByteCount else {
            throw ImagingError.unsupportedDimensions(
                source: "enlarged image", detail: "\(width)×\(height) enlarged \(scale)× (scale 1...64, at most \(Image.maximumByteCount) bytes)")
        }
        let channels = layout.channelCount
        let width = self.width * scale, height = self.height * scale
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        for y in 0..<height {
            for x in 0..<width {
                let source = ((y / scale) * self.width + x / scale) * channels
                for channel in 0..<channels { pixels[(y * width + x) * channels + channel] = self.pixels[source + channel] }
            }
        }
        return try Image(width: width, height: height, layout: layout, pixels: pixels)
    }
}
