// Reshaping, permutation, slicing and joining. Reshape shares the buffer; the others copy once
// through ``StridedCopy`` (tensors stay contiguous, so every kernel can assume row-major data).

extension Tensor {
    /// The same values with a new shape; one extent may be -1 (inferred). Shares the buffer.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            let known = newShape.filter { $0 != -1 }.reduce(1, *)
            precondition(known > 0 && count % known == 0, "reshape: cannot infer -1 in \(newShape) for \(shape)")
            resolved[inferred] = count / known
        }
        precondition(resolved.elementCount == count, "reshape: \(shape) (\(count) values) cannot become \(newShape)")
        if resolved == shape { return self }
        let inputShape = shape
        return Tensor.recorded(Tensor(shape: resolved, storage: storage), inputs: [self]) { g, _ in
            [g.reshaped(inputShape)]
        }
    }

    /// A new axis of extent 1 at `axis`.
    public func expandingDims(at axis: Int) -> Tensor {
        var newShape = shape
        newShape.insert(1, at: Shape.axis(axis, rank: rank + 1, operation: "expandingDims"))
        return reshaped(newShape)
    }

    /// Repeats values along broadcast axes (NumPy `broadcast_to`). The gradient sums them back.
    public func broadcasted(to target: [Int]) -> Tensor {
        if target == shape { return self }
        precondition(Shape.broadcast(shape, target, operation: "broadcast") == target, "broadcast: \(shape) does not broadcast to \(target)")
        let out = StridedCopy.gather(storage.pointer, shape: target, strides: Shape.broadcastStrides(shape, to: target))
        let inputShape = shape
        return Tensor.recorded(out, inputs: [self]) { g, _ in [g.sum(toShape: inputShape)] }
    }

    /// Axes reordered: output axis i is input axis `axes[i]`.
    public func permuted(_ axes: [Int]) -> Tensor {
        precondition(axes.sorted() == Array(0..<rank), "permute: \(axes) is not a permutation of 0..<\(rank)")
        if axes == Array(0..<rank) { return self }
        let strides = Shape.strides(shape)
        let device = Dispatch.backend(self).flatMap { backend in Dispatch.run(backend, "permute") { try backend.permute(self, axes: axes) } }
        let out = device ?? StridedCopy.gather(storage.pointer, shape: axes.map { shape[$0] }, strides: axes.map { strides[$0] })
        var inverse = [Int](repeating: 0, count: rank)
        for (i, a) in axes.enumerated() { inverse[a] = i }
        return Tensor.recorded(out, inputs: [self]) { g, _ in [g.permuted(inverse)] }
    }

    /// Swaps two axes.
    public func transposed(_ a: Int, _ b: Int) -> Tensor {
        var axes = Array(0..<rank)
        axes.swapAt(Shape.axis(a, rank: rank, operation: "transpose"), Shape.axis(b, rank: rank, operation: "transpose"))
        return permuted(axes)
    }

    /// Matrix transpose of the last two axes.
    public var transposedLast: Tensor { transposed(-1, -2) }

    /// The sub-tensor whose index along `axis` lies in `range`.
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let a = Shape.axis(axis, rank: rank, operation: "slice")
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[a], "slice: \(range) out of bounds for axis \(a) of \(shape)")
        var outShape = shape
        outShape[a] = range.count
        let strides = Shape.strides(shape)
        let out = StridedCopy.gather(storage.pointer + range.lowerBound * strides[a], shape: outShape, strides: strides)
        let inputShape = shape
        return Tensor.recorded(out, inputs: [self]) { g, _ in
            var grad = Tensor.zeros(inputShape)
            grad.addBlock(g, axis: a, at: range.lowerBound)
            return [grad]
        }
    }

    /// Joins tensors along `axis`; every other extent must agree.
    public static func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
        precondition(!tensors.isEmpty, "concat: no tensors")
        let first = tensors[0]
        let a = Shape.axis(axis, rank: first.rank, operation: "concat")
        for t in tensors {
            precondition(t.rank == first.rank && t.shape.enumerated().allSatisfy { $0.offset == a || $0.element == first.shape[$0.offset] },
                         "concat: shape \(t.shape) does not match \(first.shape) outside axis \(a)")
        }
        var outShape = first.shape
        outShape[a] = tensors.reduce(0) { $0 + $1.shape[a] }
        var out = Tensor.zeros(outShape)
        if let backend = tensors.lazy.compactMap(\.backend).first { out = out.moved(to: backend) }
        var offsets: [Int] = []
        var position = 0
        for t in tensors {
            offsets.append(position)
            out.addBlock(t, axis: a, at: position)
            position += t.shape[a]
        }
        let extents = tensors.map { $0.shape[a] }
        return recorded(out, inputs: tensors) { g, needs in
            zip(offsets, extents).enumerated().map { i, pair in
                needs[i] ? g.slice(axis: a, pair.0..<(pair.0 + pair.1)) : nil
            }
        }
    }

    /// Splits along `axis` into pieces of the given extents (which must add up to the axis).
    public func split(_ sizes: [Int], axis: Int) -> [Tensor] {
        let a = Shape.axis(axis, rank: rank, operation: "split")
        precondition(sizes.reduce(0, +) == shape[a], "split: sizes \(sizes) do not add up to \(shape[a]) (axis \(a) of \(shape))")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return slice(axis: a, start..<(start + size))
        }
    }

    /// Adds `block` into the region of `self` that starts at index `start` along `axis` (other
    /// axes full). Untracked; used by slice gradients and concatenation.
    mutating func addBlock(_ block: Tensor, axis: Int, at start: Int) {
        if let backend = Dispatch.backend(self, block), isOnDevice, isKnownUniquelyReferenced(&storage) {
            let target = self
            if Dispatch.run(backend, "addBlock", { try backend.addBlock(into: target, block, axis: axis, at: start) }) {
                storage.deviceDidWrite()
                return
            }
        }
        ensureUniqueStorage()
        let (outer, extent, inner) = Shape.around(shape, axis: axis)
        let blockExtent = block.shape[axis]
        let target = storage.pointer, source = block.storage.pointer
        for o in 0..<outer {
            let t = target + (o * extent + start) * inner, s = source + o * blockExtent * inner
            for i in 0..<(blockExtent * inner) { t[i] += s[i] }
        }
    }
}
