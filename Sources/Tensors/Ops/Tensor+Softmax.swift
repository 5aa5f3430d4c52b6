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
        let out = rowWise(width: width) { _, x, y in
            let m = RowMath.maximum(x, width)
            var total: Float = 0
            for j in 0..<width {
                let e = FastMath.exp(x[j] - m)
                y[j] = e
                total += e
            }
            let inverse = 1 / total
            for j in 0..<width { y[j] *= inverse }
        }
        return Tensor.recorded(out, inputs: [self]) { g, _ in
            [g.rowWise(other: out, width: width) { _, gp, yp, dx in
                var dot: Float = 0
                for j in 0..<width { dot += gp[j] * yp[j] }
                for j in 0..<width { dx[j] = yp[j] * (gp[j] - dot) }
            }]
        }
    }

    private func logSoftmaxLastAxis() -> Tensor {
        let width = shape.last ?? 1
        let out = rowWise(width: width) { _, x, y in
            let m = RowMath.maximum(x, width)
            var total: Float = 0
            for j in 0..<width { total += FastMath.exp(x[j] - m) }
            let shift = m + Foundation.log(total)
            for j in 0..<width { y[j] = x[j] - shift }
        }
        return Tensor.recorded(out, inputs: [self]) { g, _ in
            [g.rowWise(other: out, width: width) { _, gp, yp, dx in
                var total: Float = 0
                for j in 0..<width { total += gp[j] }
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

/// Small reductions over one row, written so the compiler vectorises them.
enum RowMath {
    /// The largest of `count` values (−∞ for an empty row; NaN if any value is NaN).
    @inline(__always)
    static func maximum(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var m = -Float.infinity
        var sawNaN = false
        for j in 0..<count {
            m = Swift.max(m, x[j])
            sawNaN = sawNaN || x[j].isNaN
        }
        return sawNaN ? .nan : m
    }
}
