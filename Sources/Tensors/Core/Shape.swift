/// Shape arithmetic shared by the operations: broadcasting, strides, axis normalisation.
enum Shape {
    /// Row-major strides (in elements) of a contiguous tensor with `shape`.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// The NumPy broadcast of two shapes (trailing axes aligned; extents equal or 1).
    static func broadcast(_ a: [Int], _ b: [Int], operation: String) -> [Int] {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            precondition(x == y || x == 1 || y == 1, "\(operation): shapes \(a) and \(b) do not broadcast")
            result[i] = x == 1 ? y : x
        }
        return result
    }

    /// Strides of `shape` viewed as `target` under broadcasting: 0 on broadcast axes.
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = strides(shape)
        let lead = target.count - shape.count
        return (0..<target.count).map { i in
            i < lead || shape[i - lead] == 1 ? 0 : own[i - lead]
        }
    }

    /// Maps a possibly negative axis into `0..<rank`.
    static func axis(_ axis: Int, rank: Int, operation: String) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        precondition(resolved >= 0 && resolved < rank, "\(operation): axis \(axis) out of range for rank \(rank)")
        return resolved
    }

    /// Splits `shape` around `axis` into (product before, extent, product after).
    static func around(_ shape: [Int], axis: Int) -> (outer: Int, extent: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }
}
