import Foundation

// Softmax and log-softmax along an axis, as fused row kernels over the last axis (other axes
// are moved last and back).

extension Tensor {
    /// softmax(x)ᵢ = e^{xᵢ − max x} / Σⱼ e^{xⱼ − max x} along `axis`.
    /// Gradient: ∂x = y ⊙ (g − Σ g ⊙ y).
    public func softmax(axis: Int = -1) -> Tensor {
        alongLastAxis(axis) { $0.softmaxLastAxis() }
    }

    /// log softmax(x) = x − max x − log Σ e^{x − max x} along `axis`.
    /// Gradient: ∂x = g − softmax(x) · Σ g.
    public func logSoftmax(axis: Int = -1) -> Tensor {
        alongLastAxis(axis) { $0.logSoftmaxLastAxis() }
    }

    /// Applies a last-axis operation along `axis` by permuting that axis last and back.
    func alongLastAxis(_ axis: Int, _ body: (Tensor) -> Tensor) -> Tensor {
        let a = Shape.axis(axis, rank: rank, operation: "softmax")
        if a == rank - 1 { return body(self) }
        var order = Array(0..<rank)
        order.swapAt(a, rank - 1)
        return body(permuted(order)).permuted(order)
    }

    private func softmaxLastAxis() -> Tensor {
        let width = shape.last ?? 1
        let out = Dispatch.rows(.softmax, self) ?? rowWise(width: width) { _, x, y in
            let m = RowMath.maximum(x, width)
            for j in 0..<width { y[j] = FastMath.exp(x[j] - m) }
            let inverse = 1 / RowMath.sum(y, width)
            for j in 0..<width { y[j] *= inverse }
        }
        return Tensor.recorded(out, inputs: [self]) { g, _ in
            [g.rowWise(other: out, width: width) { _, gp, yp, dx in
                let dot = RowMath.dot(gp, yp, width)
                for j in 0..<width { dx[j] = yp[j] * (gp[j] - dot) }
            }]
        }
    }

    private func logSoftmaxLastAxis() -> Tensor {
        let width = shape.last ?? 1
        let out = rowWise(width: width) { _, x, y in
            let m = RowMath.maximum(x, width)
            for j in 0..<width { y[j] = FastMath.exp(x[j] - m) }
            let shift = m + Foundation.log(RowMath.sum(y, width))
            for j in 0..<width { y[j] = x[j] - shift }
        }
        return Tensor.recorded(out, inputs: [self]) { g, _ in
            [g.rowWise(other: out, width: width) { _, gp, yp, dx in
                let total = RowMath.sum(gp, width)
                for j in 0..<width { dx[j] = gp[j] - FastMath.exp(yp[j]) * total }
            }]
        }
    }

    /// A new tensor of this shape whose rows of `width` are written by
    /// `body(rowIndex, input, output)`, rows split across cores.
    func rowWise(
        width: Int, _ body: (Int, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
    ) -> Tensor {
        let rows = width == 0 ? 0 : count / width
        let out = TensorStorage(uninitializedCount: count)
        let source = UnsafePointer(storage.pointer), target = out.pointer
        Parallel.forEachRange(rows, costPerItem: width * 8) { range in
            for r in range { body(r, source + r * width, target + r * width) }
        }
        return Tensor(shape: shape, storage: out)
    }

    /// Like ``rowWise(width:_:)`` with a second input of the same shape.
    func rowWise(
        other: Tensor, width: Int,
        _ body: (Int, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
    ) -> Tensor {
        precondition(other.shape == shape, "rowWise: shapes \(shape) and \(other.shape) differ")
        let rows = width == 0 ? 0 : count / width
        let out = TensorStorage(uninitializedCount: count)
        let a = UnsafePointer(storage.pointer), b = UnsafePointer(other.storage.pointer), target = out.pointer
        Parallel.forEachRange(rows, costPerItem: width * 8) { range in
            for r in range { body(r, a + r * width, b + r * width, target + r * width) }
        }
        return Tensor(shape: shape, storage: out)
    }
}

