import Foundation

extension Image {
    /// The image scaled to cover `width × height` and cropped to it around the centre: what the
    /// diffusers DreamBooth scripts do to a concept photo (torchvision `Resize` of the shorter side,
    /// then `CenterCrop`).
    ///
    /// Scaling is Pillow's bilinear resampling (`Image.resize(…, BILINEAR)`, which torchvision calls
    /// on PIL images): separable, horizontal pass then vertical pass, each rounded to 8 bits as
    /// Pillow's passes are; a triangle filter whose support widens by the reduction factor when
    /// shrinking (so it averages instead of aliasing); output pixel i centred at (i + ½)·(source/scaled)
    /// in the source. The side that limits the scale becomes exactly its target, the other
    /// ⌊target·long/short⌋ as torchvision computes it (no distortion beyond that truncation); the crop
    /// starts at round((scaled − target) / 2) (ties to even, Python's `round`) on each axis. An image
    /// already of the target size is returned unchanged. Pixels may differ from Pillow's by one level
    /// where its 22-bit fixed-point weights round differently from our Float ones.
    ///
    /// - Throws: ``ImagingError/unsupportedDimensions(source:detail:)`` for a target side below 1.
    /// - Complexity: O(scaled pixels × filter support) per channel.
    public func resizedToFill(width targetWidth: Int, height targetHeight: Int) throws -> Image {
        _ = try Image.validatedByteCount(width: targetWidth, height: targetHeight, layout: layout, source: "<resize>")
        if width == targetWidth && height == targetHeight { return self }
        let widthLimits = Double(targetWidth) / Double(width) >= Double(targetHeight) / Double(height)
        let scaledWidth = widthLimits ? targetWidth : max(targetWidth, targetHeight * width / height)
        let scaledHeight = widthLimits ? max(targetHeight, targetWidth * height / width) : targetHeight
        let left = Int((Double(scaledWidth - targetWidth) / 2).rounded(.toNearestOrEven))
        let top = Int((Double(scaledHeight - targetHeight) / 2).rounded(.toNearestOrEven))
        let columns = Self.bilinearWeights(from: width, to: scaledWidth, keeping: left..<(left + targetWidth))
        let rows = Self.bilinearWeights(from: height, to: scaledHeight, keeping: top..<(top + targetHeight))
        let channels = layout.channelCount

        // Horizontal pass over every source row, then vertical pass, each rounded to 0…255.
        var horizontal = [Float](repeating: 0, count: height * targetWidth * channels)
        for y in 0..<height {
            for (x, taps) in columns.enumerated() {
                for c in 0..<channels {
                    var sum: Float = 0
                    for (index, weight) in taps { sum += weight * Float(pixels[(y * width + index) * channels + c]) }
                    horizontal[(y * targetWidth + x) * channels + c] = max(0, min(255, sum.rounded()))
                }
            }
        }
        var output = [UInt8](repeating: 0, count: targetHeight * targetWidth * channels)
        for (y, taps) in rows.enumerated() {
            for x in 0..<targetWidth {
                for c in 0..<channels {
                    var sum: Float = 0
                    for (index, weight) in taps { sum += weight * horizontal[(index * targetWidth + x) * channels + c] }
                    output[(y * targetWidth + x) * channels + c] = UInt8(max(0, min(255, sum.rounded())))
                }
            }
        }
        return try Image(width: targetWidth, height: targetHeight, layout: layout, pixels: output)
    }

    /// Per output position in `kept` (of `to` positions scaled from `from`): the source indices and
    /// normalised weights of Pillow's bilinear filter, triangle(d / f) with f = max(1, from / to).
    static func bilinearWeights(from source: Int, to target: Int, keeping kept: Range<Int>) -> [[(Int, Float)]] {
        let ratio = Double(source) / Double(target)
        let filterScale = max(1, ratio)
        let support = filterScale
        return kept.map { i in
            let centre = (Double(i) + 0.5) * ratio
            let first = max(0, Int((centre - support + 0.5).rounded(.down)))
            let last = min(source, Int((centre + support + 0.5).rounded(.down)))
            var taps: [(Int, Float)] = []
            var total = 0.0
            for j in first..<max(first, last) {
                let weight = max(0, 1 - abs((Double(j) - centre + 0.5) / filterScale))
                if weight > 0 {
                    taps.append((j, Float(weight)))
                    total += weight
                }
            }
            return taps.map { ($0.0, $0.1 / Float(total)) }
        }
    }
}
