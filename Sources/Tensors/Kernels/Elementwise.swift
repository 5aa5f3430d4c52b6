/// A pure Float32 function of one value. Kernels are generic over conforming types, so each
/// operation gets its own specialised, vectorised loop (no per-element closure calls).
protocol UnaryKernel {
    func callAsFunction(_ x: Float) -> Float
}

/// A pure Float32 function of two values.
protocol BinaryKernel {
    func callAsFunction(_ a: Float, _ b: Float) -> Float
}

/// Loops that apply kernels over whole buffers, split across cores for large tensors.
enum Elementwise {
    /// `out[i] = f(x[i])`.
    static func map<F: UnaryKernel>(_ x: Tensor, _ f: F) -> Tensor {
        let out = TensorStorage(uninitializedCount: x.count)
        let s = UnsafePointer(x.storage.pointer), t = out.pointer
        Parallel.forEachRange(x.count) { range in
            for i in range { t[i] = f(s[i]) }
        }
        return Tensor(shape: x.shape, storage: out)
    }

    /// `out[i] = f(a[i], b[i])` for equal counts.
    static func zip<F: BinaryKernel>(_ a: Tensor, _ b: Tensor, shape: [Int], _ f: F) -> Tensor {
        let out = TensorStorage(uninitializedCount: a.count)
        let x = UnsafePointer(a.storage.pointer), y = UnsafePointer(b.storage.pointer), t = out.pointer
        Parallel.forEachRange(a.count) { range in
            for i in range { t[i] = f(x[i], y[i]) }
        }
        return Tensor(shape: shape, storage: out)
    }

    /// `out = f(a, b)` with NumPy broadcasting.
    ///
    /// Equal shapes and scalar operands take flat loops. Otherwise the output is walked row by
    /// row over its last axis after merging axes that are contiguous in both operands, so the
    /// common cases (a bias row, a per-row scale) still run as unit- or zero-stride inner loops.
    static func broadcast<F: BinaryKernel>(_ a: Tensor, _ b: Tensor, _ f: F, operation: String) -> Tensor {
        if a.shape == b.shape { return zip(a, b, shape: a.shape, f) }
        let shape = Shape.broadcast(a.shape, b.shape, operation: operation)
        if b.count == 1 && shape == a.shape {
            let y = b.storage.pointer[0]
            return map(a, BindSecond(f: f, b: y))
        }
        if a.count == 1 && shape == b.shape {
            let x = a.storage.pointer[0]
            return map(b, BindFirst(f: f, a: x))
        }
        var (dims, sa, sb) = coalesce(
            shape, Shape.broadcastStrides(a.shape, to: shape), Shape.broadcastStrides(b.shape, to: shape))
        if dims.isEmpty { (dims, sa, sb) = ([1], [0], [0]) }
        let count = shape.elementCount
        let inner = dims[dims.count - 1]
        let innerA = sa[sa.count - 1], innerB = sb[sb.count - 1]
        let rows = inner == 0 ? 0 : count / inner
        let out = TensorStorage(uninitializedCount: count)
        let pa = UnsafePointer(a.storage.pointer), pb = UnsafePointer(b.storage.pointer)
        let target = out.pointer
        Parallel.forEachRange(rows, costPerItem: inner) { range in
            for row in range {
                var remainder = row, offsetA = 0, offsetB = 0
                for axis in stride(from: dims.count - 2, through: 0, by: -1) {
                    let i = remainder % dims[axis]
                    remainder /= dims[axis]
                    offsetA += i * sa[axis]
                    offsetB += i * sb[axis]
                }
                let x = pa + offsetA, y = pb + offsetB, t = target + row * inner
                switch (innerA, innerB) {
                case (1, 1): for j in 0..<inner { t[j] = f(x[j], y[j]) }
                case (1, 0):
                    let c = y[0]
                    for j in 0..<inner { t[j] = f(x[j], c) }
                case (0, 1):
                    let c = x[0]
                    for j in 0..<inner { t[j] = f(c, y[j]) }
                default: for j in 0..<inner { t[j] = f(x[j * innerA], y[j * innerB]) }
                }
            }
        }
        return Tensor(shape: shape, storage: out)
    }

    /// Drops unit axes and merges neighbouring axes that are contiguous in both operands.
    private static func coalesce(_ shape: [Int], _ sa: [Int], _ sb: [Int]) -> ([Int], [Int], [Int]) {
        var dims: [Int] = [], outA: [Int] = [], outB: [Int] = []
        for axis in shape.indices where shape[axis] != 1 {
            if let last = dims.last,
               outA[outA.count - 1] == sa[axis] * shape[axis],
               outB[outB.count - 1] == sb[axis] * shape[axis] {
                dims[dims.count - 1] = last * shape[axis]
                outA[outA.count - 1] = sa[axis]
                outB[outB.count - 1] = sb[axis]
            } else {
                dims.append(shape[axis])
                outA.append(sa[axis])
                outB.append(sb[axis])
            }
        }
        return (dims, outA, outB)
    }

    private struct BindSecond<F: BinaryKernel>: UnaryKernel {
        let f: F, b: Float
        @inline(__always) func callAsFunction(_ x: Float) -> Float { f(x, b) }
    }

    private struct BindFirst<F: BinaryKernel>: UnaryKernel {
        let f: F, a: Float
        @inline(__always) func callAsFunction(_ x: Float) -> Float { f(a, x) }
    }
}
