// Reductions over axes. Each single-axis pass views the tensor as (outer, extent, inner) and
// accumulates in Float32 with unit-stride inner loops.

extension Tensor {
    /// Sum over `axes` (all axes when empty is not intended: pass every axis, or use ``sum()``).
    /// Negative axes count from the end.
    public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
        let resolved = Set(axes.map { Shape.axis($0, rank: rank, operation: "sum") })
        var out = detached()
        for axis in resolved.sorted(by: >) { out = out.sumKeepingAxis(axis) }
        let kept = out.shape
        let finalShape = keepDims ? kept : shape.indices.filter { !resolved.contains($0) }.map { shape[$0] }
        let result = Tensor(shape: finalShape, storage: out.storage)
        let inputShape = shape
        return Tensor.recorded(result, inputs: [self]) { g, _ in
            [g.reshaped(kept).broadcasted(to: inputShape)]
        }
    }

    /// Sum of all elements, as a scalar tensor.
    public func sum() -> Tensor { sum(axes: Array(0..<rank)) }

    /// Mean over `axes`.
    public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
        let n = Set(axes.map { Shape.axis($0, rank: rank, operation: "mean") }).map { shape[$0] }.reduce(1, *)
        return sum(axes: axes, keepDims: keepDims) * (1 / Float(n))
    }

    /// Mean of all elements, as a scalar tensor.
    public func mean() -> Tensor { mean(axes: Array(0..<rank)) }

    /// Sums a broadcast result back to `target` (the shape of an operand before broadcasting).
    public func sum(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        precondition(lead >= 0, "sum(toShape:): cannot reduce \(shape) to the larger rank of \(target)")
        var axes = Array(0..<lead)
        for i in target.indices where target[i] == 1 && shape[lead + i] != 1 { axes.append(lead + i) }
        return sum(axes: axes, keepDims: true).reshaped(target)
    }

    /// Maximum along `axis`. The gradient flows to the first maximal element.
    public func max(axis: Int, keepDims: Bool = false) -> Tensor {
        let a = Shape.axis(axis, rank: rank, operation: "max")
        let (values, indices) = maxAlong(a)
        var keptShape = shape
        keptShape[a] = 1
        let result = Tensor(shape: keepDims ? keptShape : shape.enumerated().filter { $0.offset != a }.map(\.element), storage: values.storage)
        let inputShape = shape
        return Tensor.recorded(result, inputs: [self]) { g, _ in
            let (outer, extent, inner) = Shape.around(inputShape, axis: a)
            let grad = Tensor.zeros(inputShape)
            let gp = g.storage.pointer, target = grad.storage.pointer
            for o in 0..<outer {
                for i in 0..<inner {
                    let k = indices[o * inner + i]
                    target[(o * extent + k) * inner + i] = gp[o * inner + i]
                }
            }
            return [grad]
        }
    }

    /// Index of the first maximum along `axis`, in row-major order of the remaining axes.
    public func argmax(axis: Int) -> [Int] {
        maxAlong(Shape.axis(axis, rank: rank, operation: "argmax")).indices
    }

    /// Sum along one axis, keeping it with extent 1 (untracked).
    private func sumKeepingAxis(_ axis: Int) -> Tensor {
        let (outer, extent, inner) = Shape.around(shape, axis: axis)
        var keptShape = shape
        keptShape[axis] = 1
        let out = TensorStorage(count: outer * inner, repeating: 0)
        let source = UnsafePointer(storage.pointer), target = out.pointer
        if inner == 1 {
            Parallel.forEachRange(outer, costPerItem: extent) { range in
                for o in range {
                    let row = source + o * extent
                    var total: Float = 0
                    for k in 0..<extent { total += row[k] }
                    target[o] = total
                }
            }
        } else {
            Parallel.forEachRange(outer, costPerItem: extent * inner) { range in
                for o in range {
                    let t = target + o * inner
                    for k in 0..<extent {
                        let row = source + (o * extent + k) * inner
                        for i in 0..<inner { t[i] += row[i] }
                    }
                }
            }
        }
        return Tensor(shape: keptShape, storage: out)
    }

    private func maxAlong(_ axis: Int) -> (values: Tensor, indices: [Int]) {
        let (outer, extent, inner) = Shape.around(shape, axis: axis)
        precondition(extent > 0, "max: axis \(axis) of \(shape) is empty")
        let values = TensorStorage(uninitializedCount: outer * inner)
        var indices = [Int](repeating: 0, count: outer * inner)
        let source = storage.pointer
        for o in 0..<outer {
            for i in 0..<inner {
                var best = source[o * extent * inner + i], bestIndex = 0
                for k in 1..<Swift.max(extent, 1) {
                    let v = source[(o * extent + k) * inner + i]
                    if v > best || (best.isNaN == false && v.isNaN) { best = v; bestIndex = k }
                }
                values.pointer[o * inner + i] = best
                indices[o * inner + i] = bestIndex
            }
        }
        var keptShape = shape
        keptShape[axis] = 1
        return (Tensor(shape: keptShape, storage: values), indices)
    }
}
