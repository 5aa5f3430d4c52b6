// Nearest-neighbour upsampling of the last two axes by an integer factor.

extension Tensor {
    /// Repeats every element of the last two axes `factor` times along each
    /// (`[..., H, W]` → `[..., H·f, W·f]`): out[..., y, x] = in[..., ⌊y/f⌋, ⌊x/f⌋].
    ///
    /// This is PyTorch's `F.interpolate(mode="nearest")` and, for integer factors,
    /// `mode="nearest-exact"` too (⌊(y + ½)/f⌋ = ⌊y/f⌋). The gradient sums each f×f block.
    /// - Complexity: O(count·f²).
    public func upsampledNearest(factor: Int) -> Tensor {
        precondition(rank >= 2, "upsampledNearest: needs rank ≥ 2, got \(shape)")
        precondition(factor >= 1, "upsampledNearest: factor \(factor) must be positive")
        if factor == 1 { return self }
        let (height, width) = (shape[rank - 2], shape[rank - 1])
        let planes = count / Swift.max(1, height * width)
        let outWidth = width * factor
        let outShape = Array(shape.dropLast(2)) + [height * factor, outWidth]
        let source = UnsafePointer(storage.pointer)
        let out = Tensor(shape: outShape) { buffer in
            guard let target = buffer.baseAddress else { return }
            Parallel.forEachRange(planes * height, costPerItem: outWidth * factor) { rows in
                for row in rows {
                    let input = source + row * width, first = target + row * factor * outWidth
                    for x in 0..<width {
                        let value = input[x]
                        for k in 0..<factor { first[x * factor + k] = value }
                    }
                    for copy in 1..<factor { (first + copy * outWidth).update(from: first, count: outWidth) }
                }
            }
        }
        let inputShape = shape
        return Tensor.recorded(out, inputs: [self]) { g, _ in
            [Tensor(shape: inputShape) { buffer in
                guard let target = buffer.baseAddress else { return }
                let upstream = UnsafePointer(g.storage.pointer)
                Parallel.forEachRange(planes * height, costPerItem: outWidth * factor) { rows in
                    for row in rows {
                        let output = target + row * width
                        output.update(repeating: 0, count: width)
                        for copy in 0..<factor {
                            let line = upstream + (row * factor + copy) * outWidth
                            for x in 0..<width {
                                for k in 0..<factor { output[x] += line[x * factor + k] }
                            }
                        }
                    }
                }
            }]
        }
    }
}
