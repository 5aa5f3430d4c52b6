/// Argument checks shared by the operations, run before any LAPACK call.
extension Matrix {
    /// - Throws: ``LinalgError/notSquare(operation:argument:shape:)`` unless rows == columns.
    func requireSquare(_ operation: String, _ argument: String) throws(LinalgError) {
        guard isSquare else { throw .notSquare(operation: operation, argument: argument, shape: shape) }
    }

    /// - Throws: ``LinalgError/nonFiniteInput(operation:argument:row:column:)`` at the first NaN or
    ///   infinity in row-major order.
    func requireFinite(_ operation: String, _ argument: String) throws(LinalgError) {
        if let index = firstNonFiniteIndex {
            throw .nonFiniteInput(
                operation: operation, argument: argument, row: index / columns, column: index % columns)
        }
    }

    /// - Throws: ``LinalgError/shapeMismatch(operation:argument:expected:found:)`` unless the
    ///   matrix has `count` rows; `context` names the argument that fixes the count.
    func requireRows(_ count: Int, _ operation: String, _ argument: String, context: String) throws(LinalgError) {
        guard rows == count else {
            throw .shapeMismatch(operation: operation, argument: argument,
                                 expected: "\(count) rows (\(context))", found: shape)
        }
    }

    /// The extents as LAPACK's 32-bit integers, and the row-major leading dimension max(1, columns).
    /// - Throws: ``LinalgError/dimensionTooLarge(operation:shape:)`` beyond `Int32.max`.
    func lapackExtents(_ operation: String) throws(LinalgError) -> (rows: Int32, columns: Int32, leading: Int32) {
        guard let m = Int32(exactly: rows), let n = Int32(exactly: columns) else {
            throw .dimensionTooLarge(operation: operation, shape: shape)
        }
        return (m, n, max(1, n))
    }

    /// Row-major index of the first NaN or infinity, if any.
    var firstNonFiniteIndex: Int? {
        scalars.withUnsafeBufferPointer { buffer in
            for index in buffer.indices where !buffer[index].isFinite { return index }
            return nil
        }
    }

    /// Calls `body` with the base address of the (non-empty) storage, mutable.
    mutating func withMutableBase<R>(_ body: (UnsafeMutablePointer<Scalar>) -> R) -> R {
        let (rows, columns) = (rows, columns)
        return scalars.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { preconditionFailure("Matrix: LAPACK called on an empty \(rows)×\(columns) matrix") }
            return body(base)
        }
    }

    /// Calls `body` with the base address of the (non-empty) storage.
    func withBase<R>(_ body: (UnsafePointer<Scalar>) -> R) -> R {
        scalars.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { preconditionFailure("Matrix: BLAS called on an empty \(rows)×\(columns) matrix") }
            return body(base)
        }
    }
}

/// LAPACK's one-letter option arguments (`uplo`, `jobz`).
enum LapackOption {
    static let lower = CChar(UInt8(ascii: "L"))
    static let upper = CChar(UInt8(ascii: "U"))
    static let vectors = CChar(UInt8(ascii: "V"))
    static let thin = CChar(UInt8(ascii: "S"))
    static let full = CChar(UInt8(ascii: "A"))
}

/// - Throws: ``LinalgError/lapackFailure(operation:routine:info:)`` when LAPACKE returned info < 0
///   (a rejected argument or a failed workspace allocation).
func requireAcceptedArguments(_ info: Int32, _ operation: String, routine: String) throws(LinalgError) {
    if info < 0 { throw .lapackFailure(operation: operation, routine: routine, info: Int(info)) }
}
