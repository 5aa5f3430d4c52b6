// RMSNorm and LayerNorm over the last axis: one fused pass forward (statistics, normalisation,
// affine), closed-form gradients backward. Only the input and one or two scalars per row are
// saved; x̂ is recomputed in the backward pass.

extension Tensor {
    /// RMSNorm: y = x̂ ⊙ w with x̂ = x·r, r = (mean(x²) + ε)^{-½} over the last axis (Hugging Face
    /// `Qwen2RMSNorm`, `LlamaRMSNorm`; without `weight`, w = 1).
    ///
    /// Gradient, with ĝ = g ⊙ w: ∂x = r·(ĝ − x̂·mean(ĝ ⊙ x̂)), ∂w = Σ_rows g ⊙ x̂.
    public func rmsNorm(weight: Tensor? = nil, epsilon: Float) -> Tensor {
        normalize(weight: weight, bias: nil, epsilon: epsilon, centered: false)
    }

    /// LayerNorm: y = x̂ ⊙ w + b with x̂ = (x − μ)·r, r = (σ² + ε)^{-½}, μ and σ² (biased) over
    /// the last axis (PyTorch `nn.LayerNorm`; `weight`/`bias` optional, i.e. affine or not).
    ///
    /// Gradient, with ĝ = g ⊙ w: ∂x = r·(ĝ − mean(ĝ) − x̂·mean(ĝ ⊙ x̂)), ∂w = Σ_rows g ⊙ x̂,
    /// ∂b = Σ_rows g.
    public func layerNorm(weight: Tensor? = nil, bias: Tensor? = nil, epsilon: Float) -> Tensor {
        normalize(weight: weight, bias: bias, epsilon: epsilon, centered: true)
    }

    private func normalize(weight: Tensor?, bias: Tensor?, epsilon: Float, centered: Bool) -> Tensor {
        let width = shape.last ?? 1
        for p in [weight, bias].compactMap({ $0 }) {
            precondition(p.shape == [width], "\(centered ? "layerNorm" : "rmsNorm"): parameter \(p.shape), expected [\(width)]")
        }
        let rows = count / Swift.max(width, 1)
        let statistics = RowStatistics(rows: rows)
        let (w, b) = (weight?.detached(), bias?.detached())
        let x = detached()
        let operation: RowOperation = centered ? .layerNorm(epsilon: epsilon) : .rmsNorm(epsilon: epsilon)
        let device = Dispatch.rows(operation, self, weight: weight, bias: bias)
        let out = device ?? normalizeOnHost(w, b, statistics, width: width, epsilon: epsilon, centered: centered)
        let statisticsOnDevice = device != nil
        let parameters = [weight, bias].compactMap { $0 }
        return Tensor.recorded(out, inputs: [self] + parameters) { g, needs in
            if statisticsOnDevice { statistics.compute(x, width: width, epsilon: epsilon, centered: centered) }
            let xHat = x.rowWise(width: width) { row, xs, hs in
                let (mean, r) = (statistics.mean[row], statistics.scale[row])
                for j in 0..<width { hs[j] = (xs[j] - mean) * r }
            }
            let gHat = w.map { g * $0 } ?? g
            let gradX = gHat.rowWise(other: xHat, width: width) { row, gs, hs, dx in
                let r = statistics.scale[row]
                let dot = RowMath.dot(gs, hs, width) / Float(width)
                let mean = centered ? RowMath.sum(gs, width) / Float(width) : 0
                for j in 0..<width { dx[j] = r * (gs[j] - mean - hs[j] * dot) }
            }
            var grads: [Tensor?] = [gradX]
            if w != nil { grads.append(needs[grads.count] ? (g * xHat).sum(toShape: [width]) : nil) }
            if b != nil { grads.append(needs[grads.count] ? g.sum(toShape: [width]) : nil) }
            return grads
        }
    }

    /// The CPU body of ``normalize(weight:bias:epsilon:centered:)``: one fused pass per row
    /// (statistics, normalisation, affine), saving each row's mean and inverse scale.
    private func normalizeOnHost(_ w: Tensor?, _ b: Tensor?, _ statistics: RowStatistics,
                                 width: Int, epsilon: Float, centered: Bool) -> Tensor {
        let wp = w.map { UnsafePointer($0.storage.pointer) }, bp = b.map { UnsafePointer($0.storage.pointer) }
        return rowWise(width: width) { row, x, y in
            let mean = centered ? RowMath.sum(x, width) / Float(width) : 0
            var squares: Float = 0
            if centered {
                for j in 0..<width { y[j] = x[j] - mean }
                squares = RowMath.dot(y, y, width)
            } else {
                squares = RowMath.dot(x, x, width)
            }
            let r = 1 / (squares / Float(width) + epsilon).squareRoot()
            statistics.mean[row] = mean
            statistics.scale[row] = r
            switch (wp, bp) {
            case let (w?, b?): for j in 0..<width { y[j] = (x[j] - mean) * r * w[j] + b[j] }
            case let (w?, nil): for j in 0..<width { y[j] = (x[j] - mean) * r * w[j] }
            case let (nil, b?): for j in 0..<width { y[j] = (x[j] - mean) * r + b[j] }
            case (nil, nil): for j in 0..<width { y[j] = (x[j] - mean) * r }
            }
        }
    }
}

/// Per-row mean and inverse scale saved by a normalisation for its backward pass.
private final class RowStatistics: @unchecked Sendable {
    let mean: UnsafeMutablePointer<Float>
    let scale: UnsafeMutablePointer<Float>

    init(rows: Int) {
        mean = .allocate(capacity: Swift.max(rows, 1))
        scale = .allocate(capacity: Swift.max(rows, 1))
    }

    /// Fills the statistics from `x` on the host, as the CPU forward pass does (the backward
    /// pass of a forward pass that ran on a device).
    /// The arithmetic is the CPU forward's, so both give the same bits.
    func compute(_ x: Tensor, width: Int, epsilon: Float, centered: Bool) {
        let rows = x.count / Swift.max(width, 1)
        let source = UnsafePointer(x.storage.pointer)
        let centeredRow = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(width, 1))
        defer { centeredRow.deallocate() }
        for row in 0..<rows {
            let xs = source + row * width
            let mean = centered ? RowMath.sum(xs, width) / Float(width) : 0
            var squares: Float
            if centered {
                for j in 0..<width { centeredRow[j] = xs[j] - mean }
                squares = RowMath.dot(centeredRow, centeredRow, width)
            } else {
                squares = RowMath.dot(xs, xs, width)
            }
            self.mean[row] = mean
            scale[row] = 1 / (squares / Float(width) + epsilon).squareRoot()
        }
    }

    deinit {
        mean.deallocate()
        scale.deallocate()
    }
}
