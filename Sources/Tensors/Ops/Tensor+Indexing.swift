// Gathering and scattering along an axis (embedding lookup, token positions) and selection
// by a mask.

extension Tensor {
    /// Rows of `self` along `axis` at `indices` (in order, repeats allowed): the output has
    /// extent `indices.count` on `axis`. `Tensor.indexSelect(axis: 0, ids)` on an embedding
    /// table is an embedding lookup. The gradient scatter-adds back.
    public func indexSelect(axis: Int, _ indices: [Int]) -> Tensor {
        let a = Shape.axis(axis, rank: rank, operation: "indexSelect")
        let (outer, extent, inner) = Shape.around(shape, axis: a)
        for i in indices { precondition(i >= 0 && i < extent, "indexSelect: index \(i) out of range 0..<\(extent) (axis \(a) of \(shape))") }
        var outShape = shape
        outShape[a] = indices.count
        let inputShape = shape
        let device: Tensor? = a == 0 ? Dispatch.backend(self).flatMap { backend in
            Dispatch.run(backend, "indexSelect") { try backend.gatherRows(self, indices) }
        } : nil
        let selected = device ?? Tensor(shape: outShape) { out in
            guard let base = out.baseAddress else { return }
            let source = storage.pointer
            for o in 0..<outer {
                for (j, i) in indices.enumerated() {
                    (base + (o * indices.count + j) * inner).initialize(from: source + (o * extent + i) * inner, count: inner)
                }
            }
        }
        return Tensor.recorded(selected, inputs: [self]) { g, _ in
            [Tensor.zeros(inputShape).scatterAdding(axis: a, indices, g)]
        }
    }

    /// Embedding lookup: rows of the `[vocabulary, width]` table for `ids`, shaped
    /// `idsShape + [width]`.
    public func embedding(_ ids: [Int], shape idsShape: [Int]) -> Tensor {
        precondition(rank == 2, "embedding: table must be [vocabulary, width], got \(shape)")
        precondition(idsShape.elementCount == ids.count, "embedding: \(ids.count) ids for shape \(idsShape)")
        return indexSelect(axis: 0, ids).reshaped(idsShape + [shape[1]])
    }

    /// `self` plus `source` added at `indices` along `axis` (repeated indices accumulate).
    /// `source` has `self`'s shape except extent `indices.count` on `axis`.
    public func scatterAdding(axis: Int, _ indices: [Int], _ source: Tensor) -> Tensor {
        let a = Shape.axis(axis, rank: rank, operation: "scatterAdding")
        let (outer, extent, inner) = Shape.around(shape, axis: a)
        var expected = shape
        expected[a] = indices.count
        precondition(source.shape == expected, "scatterAdding: source shape \(source.shape), expected \(expected)")
        for i in indices { precondition(i >= 0 && i < extent, "scatterAdding: index \(i) out of range 0..<\(extent)") }
        var out = detached()
        out.ensureUniqueStorage()
        let target = out.storage.pointer, values = source.storage.pointer
        for o in 0..<outer {
            for (j, i) in indices.enumerated() {
                let t = target + (o * extent + i) * inner, s = values + (o * indices.count + j) * inner
                for e in 0..<inner { t[e] += s[e] }
            }
        }
        return Tensor.recorded(Tensor(shape: shape, storage: out.storage), inputs: [self, source]) { g, needs in
            [needs[0] ? g : nil, needs[1] ? g.indexSelect(axis: a, indices) : nil]
        }
    }

    /// Element-wise `condition ≠ 0 ? a : b`, all three broadcast together. Gradients flow to
    /// the selected operand only (so a masked −∞ never produces NaN gradients).
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        let shape = Shape.broadcast(Shape.broadcast(condition.shape, a.shape, operation: "where"), b.shape, operation: "where")
        let c = condition.detached().broadcasted(to: shape)
        let x = a.detached().broadcasted(to: shape), y = b.detached().broadcasted(to: shape)
        let out = Tensor(shape: shape) { buffer in
            let cp = c.storage.pointer, xp = x.storage.pointer, yp = y.storage.pointer
            for i in buffer.indices { buffer[i] = cp[i] != 0 ? xp[i] : yp[i] }
        }
        let (shapeA, shapeB) = (a.shape, b.shape)
        return recorded(out, inputs: [a, b]) { g, needs in
            let zero = Tensor.zeros([])
            return [needs[0] ? Tensor.where(c, g, zero).sum(toShape: shapeA) : nil,
                    needs[1] ? Tensor.where(c, zero, g).sum(toShape: shapeB) : nil]
        }
    }

    /// `value` where `mask ≠ 0`, `self` elsewhere (mask broadcast to `self`).
    public func maskedFill(_ mask: Tensor, with value: Float) -> Tensor {
        Tensor.where(mask, Tensor(value), self)
    }
}
