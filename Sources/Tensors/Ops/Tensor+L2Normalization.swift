// Division by the Euclidean norm along one axis (PyTorch `F.normalize`).

extension Tensor {
    /// x / max(‖x‖₂, ε) along `axis` (PyTorch `F.normalize(x, p=2, dim=axis, eps=ε)`).
    ///
    /// With n = ‖x‖₂ along the axis and x̂ = x/n, the gradient is (g − x̂·⟨g, x̂⟩)/n where n > ε,
    /// and g/ε where the norm is clamped (n ≤ ε).
    ///
    /// The tensor is viewed as (outer, extent, inner) around `axis`; norms of a channel axis
    /// (`axis: 1` of NCHW) are accumulated over contiguous spatial rows, so no transpose is made.
    /// - Complexity: O(count), two passes forward, three backward.
    public func l2Normalized(axis: Int, epsilon: Float = 1e-12) -> Tensor {
        let a = Shape.axis(axis, rank: rank, operation: "l2Normalized")
        let (outer, extent, inner) = Shape.around(shape, axis: a)
        let x = detached()
        let inverseNorms = x.inverseNorms(outer: outer, extent: extent, inner: inner, epsilon: epsilon)
        let out = Tensor(shape: shape) { buffer in
            guard let target = buffer.baseAddress else { return }
            let source = UnsafePointer(x.storage.pointer)
            let scale = UnsafePointer(inverseNorms.storage.pointer)
            Parallel.forEachRange(outer * extent, costPerItem: inner) { rows in
                for row in rows {
                    let s = scale + (row / extent) * inner, input = source + row * inner, output = target + row * inner
                    for i in 0..<inner { output[i] = input[i] * s[i] }
                }
            }
        }
        return Tensor.recorded(out, inputs: [self]) { g, _ in
            // ⟨g, x⟩ along the axis, then ∂x = r·g − r³·⟨g, x⟩·x where the norm is not clamped
            // (r = 1/n, so r·x = x̂ and r³⟨g,x⟩x = x̂⟨g,x̂⟩/n), and ∂x = r·g where it is.
            let dots = Tensor.zeros([outer, inner])
            let (gp, xp) = (UnsafePointer(g.storage.pointer), UnsafePointer(x.storage.pointer))
            let dp = dots.storage.pointer
            let r = UnsafePointer(inverseNorms.storage.pointer)
            Parallel.forEachRange(outer, costPerItem: extent * inner) { blocks in
                for o in blocks {
                    let d = dp + o * inner, scale = r + o * inner
                    for e in 0..<extent {
                        let offset = (o * extent + e) * inner
                        for i in 0..<inner { d[i] += gp[offset + i] * xp[offset + i] }
                    }
                    for i in 0..<inner {
                        let clamped = scale[i] == 1 / epsilon
                        d[i] = clamped ? 0 : d[i] * scale[i] * scale[i] * scale[i]
                    }
                }
            }
            return [Tensor(shape: x.shape) { buffer in
                guard let target = buffer.baseAddress else { return }
                Parallel.forEachRange(outer * extent, costPerItem: inner) { rows in
                    for row in rows {
                        let o = row / extent, offset = row * inner
                        let scale = r + o * inner, d = UnsafePointer(dp) + o * inner
                        for i in 0..<inner { target[offset + i] = scale[i] * gp[offset + i] - d[i] * xp[offset + i] }
                    }
                }
            }]
        }
    }

    /// 1 / max(‖x‖₂, ε) for every (outer, inner) position, as a `[outer, inner]` tensor.
    private func inverseNorms(outer: Int, extent: Int, inner: Int, epsilon: Float) -> Tensor {
        Tensor(shape: [outer, inner]) { buffer in
            guard let target = buffer.baseAddress else { return }
            let source = UnsafePointer(storage.pointer)
            Parallel.forEachRange(outer, costPerItem: extent * inner) { blocks in
                for o in blocks {
                    let sums = target + o * inner
                    sums.update(repeating: 0, count: inner)
                    for e in 0..<extent {
                        let row = source + (o * extent + e) * inner
                        for i in 0..<inner { sums[i] += row[i] * row[i] }
                    }
                    for i in 0..<inner { sums[i] = 1 / Swift.max(sums[i].squareRoot(), epsilon) }
                }
            }
        }
    }
}
