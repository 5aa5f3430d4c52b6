extension Tensor {
    /// The row-major index of the first NaN or infinity, or `nil` when every value is finite.
    ///
    /// - Complexity: one read of the values, stopping at the first non-finite one (about the
    ///   cost of copying the tensor once).
    public var firstNonFiniteIndex: Int? {
        withUnsafeBufferPointer { Self.firstNonFiniteIndex(in: $0) }
    }

    /// The index of the first NaN or infinity in `values`, or `nil`.
    public static func firstNonFiniteIndex(in values: UnsafeBufferPointer<Float>) -> Int? {
        // Blocks of 1024 count values whose exponent bits are all ones (branch-free, vectorised);
        // only a block holding one is searched element by element.
        let exponent: UInt32 = 0x7F80_0000
        var start = 0
        while start < values.count {
            let end = Swift.min(values.count, start + 1024)
            var nonFinite = 0
            for i in start..<end { nonFinite &+= values[i].bitPattern & exponent == exponent ? 1 : 0 }
            if nonFinite > 0 { return (start..<end).first { !values[$0].isFinite } }
            start = end
        }
        return nil
    }
}
