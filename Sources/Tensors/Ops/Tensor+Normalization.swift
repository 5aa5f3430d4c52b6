// RMSNorm and LayerNorm over the last axis, as fused row kernels with closed-form gradients.

extension Tensor {
    /// RMSNorm: y = x̂ ⊙ w with x̂ = x·r, r = (mean(x²) + ε)^{-½} over the last axis (Hugging Face
    /// `Qwen2RMSNorm`, `LlamaRMSNorm`; without `weight`, w = 1).
    ///
    /// Gradient, with ĝ = g ⊙ w: ∂x = r·(ĝ − x̂·mean(ĝ ⊙ x̂)), ∂w = Σ_rows g ⊙ x̂.
    public func rmsNorm(weight: Tensor? = nil, epsilon: Float) -> Tensor {
        let width = shape.last ?? 1
        if let weight { precondition(weight.shape == [width], "rmsNorm: weight \(weight.shape), expected [\(width)]") }
        let rows = count / Swift.max(width, 1)
        let scales = TensorStorage(uninitializedCount: rows)
        let normalized = TensorStorage(uninitializedCount: count)
        let x = UnsafePointer(storage.pointer), xhat = normalized.pointer, r = scales.pointer
        Parallel.forEachRange(rows, costPerItem: width * 4) { range in
            for row in range {
                let xs = x + row * width, ys = xhat + row * width
                var squares: Float = 0
                for j in 0..<width { squares += xs[j] * xs[j] }
                let scale = 1 / (squares / Float(width) + epsilon).squareRoot()
                r[row] = scale
                for j in 0..<width { ys[j] = xs[j] * scale }
            }
        }
        let xHat = Tensor(shape: shape, storage: normalized)
        let out = weight.map { xHat.detached() * $0.detached() } ?? xHat
        return Tensor.recorded(out, inputs: [self] + (weight.map { [$0] } ?? [])) { g, needs in
            let gHat = weight.map { g * $0.detached() } ?? g
            let gradX = gHat.rowWise(other: xHat, width: width) { row, gs, hs, dx in
                let scale = scales.pointer[row]
                var dot: Float = 0
                for j in 0..<width { dot += gs[j] * hs[j] }
                dot /= Float(width)
                for j in 0..<width { dx[j] = scale * (gs[j] - hs[j] * dot) }
            }
            let gradW: Tensor? = needs.count > 1 && needs[1] ? (g * xHat).sum(toShape: [width]) : nil
            return [gradX, gradW]
        }
    }

    /// LayerNorm: y = x̂ ⊙ w + b with x̂ = (x − μ)·r, r = (σ² + ε)^{-½}, μ and σ² (biased) over
    /// the last axis (PyTorch `nn.LayerNorm`; `weight`/`bias` optional, i.e. affine or not).
    ///
    /// Gradient, with ĝ = g ⊙ w: ∂x = r·(ĝ − mean(ĝ) − x̂·mean(ĝ ⊙ x̂)), ∂w = Σ_rows g ⊙ x̂,
    /// ∂b = Σ_rows g.
    public func layerNorm(weight: Tensor? = nil, bias: Tensor? = nil, epsilon: Float) -> Tensor {
        let width = shape.last ?? 1
        for p in [weight, bias].compactMap({ $0 }) {
            precondition(p.shape == [width], "layerNorm: affine parameter \(p.shape), expected [\(width)]")
        }
        let rows = count / Swift.max(width, 1)
        let scales = TensorStorage(uninitializedCount: rows)
        let normalized = TensorStorage(uninitializedCount: count)
        let x = UnsafePointer(storage.pointer), xhat = normalized.pointer, r = scales.pointer
        Parallel.forEachRange(rows, costPerItem: width * 4) { range in
            for row in range {
                let xs = x + row * width, ys = xhat + row * width
                var total: Float = 0
                for j in 0..<width { total += xs[j] }
                let mean = total / Float(width)
                var squares: Float = 0
                for j in 0..<width { squares += (xs[j] - mean) * (xs[j] - mean) }
                let scale = 1 / (squares / Float(width) + epsilon).squareRoot()
                r[row] = scale
                for j in 0..<width { ys[j] = (xs[j] - mean) * scale }
            }
        }
        let xHat = Tensor(shape: shape, storage: normalized)
        var out = weight.map { xHat * $0.detached() } ?? xHat
        if let bias { out = out + bias.detached() }
        let parameters = [weight, bias].compactMap { $0 }
        let hasWeight = weight != nil
        return Tensor.recorded(out, inputs: [self] + parameters) { g, needs in
            let gHat = weight.map { g * $0.detached() } ?? g
            let gradX = gHat.rowWise(other: xHat, width: width) { row, gs, hs, dx in
                let scale = scales.pointer[row]
                var total: Float = 0, dot: Float = 0
                for j in 0..<width {
                    total += gs[j]
                    dot += gs[j] * hs[j]
                }
                let mean = total / Float(width)
                dot /= Float(width)
                for j in 0..<width { dx[j] = scale * (gs[j] - mean - hs[j] * dot) }
            }
            var grads: [Tensor?] = [gradX]
            if hasWeight { grads.append(needs[grads.count] ? (g * xHat).sum(toShape: [width]) : nil) }
            if bias != nil { grads.append(needs[grads.count] ? g.sum(toShape: [width]) : nil) }
            return grads
        }
    }

}
