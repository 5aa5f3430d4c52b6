import Foundation

/// Gathers a strided view into a new contiguous buffer: the one kernel behind permutation and
/// broadcasting (a broadcast axis has stride 0).
enum StridedCopy {
    /// Returns the contiguous tensor of `shape` whose element at index i is
    /// `source[Σ i_k·strides[k]]`.
    static func gather(_ source: UnsafePointer<Float>, shape: [Int], strides: [Int]) -> Tensor {
        let count = shape.elementCount
        let out = TensorStorage(uninitializedCount: count)
        guard count > 0 else { return Tensor(shape: shape, storage: out) }
        // Merge neighbouring axes that stay contiguous in the source, drop unit axes.
        var dims: [Int] = [], steps: [Int] = []
        for axis in shape.indices where shape[axis] != 1 {
            if let last = dims.last, steps[steps.count - 1] == strides[axis] * shape[axis] {
                dims[dims.count - 1] = last * shape[axis]
                steps[steps.count - 1] = strides[axis]
            } else {
                dims.append(shape[axis])
                steps.append(strides[axis])
            }
        }
        if dims.isEmpty { (dims, steps) = ([1], [0]) }
        let inner = dims[dims.count - 1], innerStep = steps[steps.count - 1]
        let rows = count / inner
        let target = out.pointer
        Parallel.forEachRange(rows, costPerItem: inner) { range in
            for row in range {
                var remainder = row, offset = 0
                for axis in stride(from: dims.count - 2, through: 0, by: -1) {
                    offset += (remainder % dims[axis]) * steps[axis]
                    remainder /= dims[axis]
                }
                let s = source + offset, t = target + row * inner
                switch innerStep {
                case 1: t.update(from: s, count: inner)
                case 0: t.update(repeating: s[0], count: inner)
                default: for j in 0..<inner { t[j] = s[j * innerStep] }
                }
            }
        }
        return Tensor(shape: shape, storage: out)
    }
}
