import Tensors

// Data movement on the device: the GPU forms of Tensor's permutation, row gather and block add
// (Tensor+Shape.swift, Tensor+Indexing.swift).

extension CUDADevice {
    /// Axes reordered (output axis i is input axis `axes[i]`), as ``Tensors/Tensor/permuted(_:)``; rank ≤ 6.
    public func permute(_ x: DeviceTensor, axes: [Int]) throws -> DeviceTensor {
        try requireFloat32(x, "permute")
        precondition(axes.sorted() == Array(0..<x.shape.count) && axes.count <= 6,
                     "CUDA permute: \(axes) is not a permutation of 0..<\(x.shape.count) (rank ≤ 6)")
        var strides = [Int](repeating: 1, count: x.shape.count)
        for axis in stride(from: x.shape.count - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * x.shape[axis + 1] }
        let extents = axes.map { x.shape[$0] }, steps = axes.map { strides[$0] }
        let out = try empty(extents)
        guard out.count > 0 else { return out }
        let padding = [Int](repeating: 1, count: 6 - axes.count)
        let kernels = try kernels()
        try kernels.launch("permute_f32", grid: kernels.gridFor(out.count), block: 256,
                           [.address(x.address), .address(out.address), .int64(Int64(out.count)), .int(axes.count)]
                           + (extents + padding).map { KernelArgument.int64(Int64($0)) } + (steps + padding).map { KernelArgument.int64(Int64($0)) })
        return out
    }

    /// Rows `indices` along the first axis (the other axes flattened), as
    /// ``Tensors/Tensor/indexSelect(axis:_:)`` on axis 0; indices must lie in `0..<x.shape[0]`.
    public func gatherRows(_ x: DeviceTensor, _ indices: [Int]) throws -> DeviceTensor {
        try requireFloat32(x, "gatherRows")
        precondition(!x.shape.isEmpty && indices.allSatisfy { (0..<x.shape[0]).contains($0) },
                     "CUDA gatherRows: an index is out of range 0..<\(x.shape.first ?? 0)")
        let out = try empty([indices.count] + x.shape.dropFirst())
        let width = Array(x.shape.dropFirst()).elementCount
        guard out.count > 0 else { return out }
        let index = try allocator.allocate(indices.count * 8)
        try indices.map(Int64.init).withUnsafeBytes { bytes in
            try driver.check(driver.cuMemcpyHtoD(index.address, bytes.baseAddress!, bytes.count), "cuMemcpyHtoD_v2")
        }
        let kernels = try kernels()
        try kernels.launch("gather_rows", grid: kernels.gridFor(out.count), block: 256,
                           [.address(x.address), .address(index.address), .address(out.address), .int64(Int64(out.count)), .int64(Int64(width))])
        try synchronize()  // the index buffer returns to the cache when this function ends
        return out
    }

    /// Adds `block` into `target` in place, at index `start` along `axis` (other axes full).
    public func addBlock(into target: DeviceTensor, _ block: DeviceTensor, axis: Int, at start: Int) throws {
        try requireFloat32(target, "addBlock")
        try requireFloat32(block, "addBlock")
        let inner = Array(target.shape.dropFirst(axis + 1)).elementCount
        precondition(block.shape.count == target.shape.count && start + block.shape[axis] <= target.shape[axis],
                     "CUDA addBlock: block \(block.shape) does not fit \(target.shape) at \(start) on axis \(axis)")
        guard block.count > 0 else { return }
        let kernels = try kernels()
        try kernels.launch("add_block", grid: kernels.gridFor(block.count), block: 256, [
            .address(target.address), .address(block.address), .int64(Int64(block.count)), .int64(Int64(block.shape[axis] * inner)),
            .int64(Int64(target.shape[axis] * inner)), .int64(Int64(start * inner)),
        ])
    }
}

extension DeviceTensor {
    /// The same buffer with another shape of the same element count.
    func reshaped(_ shape: [Int]) -> DeviceTensor {
        precondition(shape.elementCount == count, "DeviceTensor: \(self.shape) cannot become \(shape)")
        return DeviceTensor(shape: shape, dtype: dtype, buffer: buffer)
    }
}
