// Rotary position embeddings (RoPE).

/// How a RoPE implementation pairs the features it rotates.
public enum RotaryLayout: String, Sendable, CaseIterable {
    /// Feature i is paired with feature i + D/2 (Hugging Face Llama/Qwen2 `rotate_half`, GPT-NeoX).
    case halfSplit
    /// Features 2i and 2i+1 form a pair (GPT-J, and Qwen-Image's complex-number form).
    case interleaved
}

extension Tensor {
    /// Rotates feature pairs of `self` (`[..., L, D]`) by per-position angles θ:
    /// (a, b) ↦ (a·cos θ − b·sin θ, b·cos θ + a·sin θ).
    ///
    /// - Parameters:
    ///   - cos: cos θ with shape `[L, D/2]` (shared by every leading index) or `[B, L, D/2]` for
    ///     per-sequence positions when `self` is `[B, H, L, D]` (e.g. left-padded batches).
    ///   - sin: sin θ, same shape as `cos`.
    ///   - layout: which features form a pair.
    /// The gradient is the inverse rotation (θ ↦ −θ) of the upstream gradient.
    public func applyingRotary(cos: Tensor, sin: Tensor, layout: RotaryLayout) -> Tensor {
        let out = rotate(cos: cos, sin: sin, layout: layout, inverse: false)
        let (c, s) = (cos.detached(), sin.detached())
        return Tensor.recorded(out, inputs: [self]) { g, _ in
            [g.rotate(cos: c, sin: s, layout: layout, inverse: true)]
        }
    }

    private func rotate(cos: Tensor, sin: Tensor, layout: RotaryLayout, inverse: Bool) -> Tensor {
        precondition(rank >= 2, "rotary: input must be [..., L, D], got \(shape)")
        let length = shape[rank - 2], width = shape[rank - 1], half = width / 2
        precondition(width % 2 == 0, "rotary: feature width \(width) is odd")
        precondition(cos.shape == sin.shape, "rotary: cos \(cos.shape) and sin \(sin.shape) differ")
        let perSequence = cos.rank == 3
        precondition(
            cos.shape == [length, half] || (perSequence && rank == 4 && cos.shape == [shape[0], length, half]),
            "rotary: cos/sin \(cos.shape) do not fit input \(shape) (expected [\(length), \(half)] or [B, \(length), \(half)])")
        let blocks = count / (length * width)
        let blocksPerSequence = perSequence ? blocks / shape[0] : blocks
        if let backend = Dispatch.backend(self, cos, sin),
           let out = Dispatch.run(backend, "rotary", { try backend.rotary(self, cos: cos, sin: sin, layout: layout, inverse: inverse) }) {
            return out
        }
        let sign: Float = inverse ? -1 : 1
        let out = TensorStorage(uninitializedCount: count)
        let x = UnsafePointer(storage.pointer), y = out.pointer
        let cp = UnsafePointer(cos.storage.pointer), sp = UnsafePointer(sin.storage.pointer)
        Parallel.forEachRange(blocks * length, costPerItem: width * 4) { range in
            for row in range {
                let block = row / length, position = row % length
                let table = (perSequence ? (block / blocksPerSequence) * length * half : 0) + position * half
                let xs = x + row * width, ys = y + row * width
                let c = cp + table, s = sp + table
                switch layout {
                case .halfSplit:
                    for i in 0..<half {
                        let a = xs[i], b = xs[i + half], si = sign * s[i]
                        ys[i] = a * c[i] - b * si
                        ys[i + half] = b * c[i] + a * si
                    }
                case .interleaved:
                    for i in 0..<half {
                        let a = xs[2 * i], b = xs[2 * i + 1], si = sign * s[i]
                        ys[2 * i] = a * c[i] - b * si
                        ys[2 * i + 1] = b * c[i] + a * si
                    }
                }
            }
        }
        return Tensor(shape: shape, storage: out)
    }
}
