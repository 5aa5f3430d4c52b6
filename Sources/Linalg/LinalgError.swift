/// Everything that can go wrong in a ``Matrix`` operation, reported instead of crashing.
///
/// Each case names the operation (`"cholesky"`, `"solve"`, …) and what was expected and found, so a
/// message read in a log is enough to locate the problem. Inputs are validated *before* LAPACK is
/// called: LAPACK routines can loop for a long time or return garbage when given NaN or infinity.
public enum LinalgError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A matrix was built from a storage array of the wrong size, or with a negative extent.
    case invalidStorage(rows: Int, columns: Int, count: Int)
    /// A tensor that is not rank 2 was converted to a matrix.
    case notAMatrix(tensorShape: [Int])
    /// The operation needs a square matrix; `shape` is `[rows, columns]` of the argument.
    case notSquare(operation: String, argument: String, shape: [Int])
    /// Two arguments do not fit together (`expected` says how; `found` is the offending shape).
    case shapeMismatch(operation: String, argument: String, expected: String, found: [Int])
    /// An argument holds NaN or ±infinity; the position is the first such element (0-based).
    case nonFiniteInput(operation: String, argument: String, row: Int, column: Int)
    /// The leading minor of order `order` (1-based) is not positive, so the matrix is not
    /// symmetric positive definite (LAPACK `potrf` info > 0).
    case notPositiveDefinite(operation: String, order: Int)
    /// The pivot `U(pivot, pivot)` (1-based) of the factorisation is exactly zero, or a Cholesky
    /// factor has a non-positive diagonal entry there, so the matrix is singular.
    case singular(operation: String, pivot: Int)
    /// The result overflowed to NaN or infinity: the matrix is numerically singular.
    case nonFiniteResult(operation: String)
    /// An iterative LAPACK routine (`syevd`, `gesdd`) did not converge; `info` is its code.
    case didNotConverge(operation: String, routine: String, info: Int)
    /// A dimension does not fit LAPACK's 32-bit integers.
    case dimensionTooLarge(operation: String, shape: [Int])
    /// LAPACKE rejected an argument or could not allocate its workspace (info < 0). This signals a
    /// bug in this module or an exhausted memory, never a property of the input values.
    case lapackFailure(operation: String, routine: String, info: Int)

    public var description: String {
        switch self {
        case let .invalidStorage(rows, columns, count):
            let (needed, overflow) = max(0, rows).multipliedReportingOverflow(by: max(0, columns))
            return "Matrix: a \(rows)×\(columns) matrix needs non-negative extents and "
                + (overflow ? "more than \(Int.max)" : "\(needed)") + " scalars, found \(count) scalars"
        case let .notAMatrix(tensorShape):
            return "Matrix: expected a rank-2 tensor, found shape \(tensorShape)"
        case let .notSquare(operation, argument, shape):
            return "\(operation): \(argument) must be square, found \(Self.format(shape))"
        case let .shapeMismatch(operation, argument, expected, found):
            return "\(operation): \(argument) has shape \(Self.format(found)), expected \(expected)"
        case let .nonFiniteInput(operation, argument, row, column):
            return "\(operation): \(argument) holds a NaN or infinity at row \(row), column \(column)"
        case let .notPositiveDefinite(operation, order):
            return "\(operation): the matrix is not positive definite "
                + "(leading minor of order \(order) is not positive)"
        case let .singular(operation, pivot):
            return "\(operation): the matrix is singular (pivot \(pivot) is zero)"
        case let .nonFiniteResult(operation):
            return "\(operation): the result overflowed to NaN or infinity (numerically singular matrix)"
        case let .didNotConverge(operation, routine, info):
            return "\(operation): LAPACK \(routine) did not converge (info = \(info))"
        case let .dimensionTooLarge(operation, shape):
            return "\(operation): shape \(Self.format(shape)) exceeds LAPACK's 32-bit dimension limit"
        case let .lapackFailure(operation, routine, info):
            return "\(operation): LAPACKE \(routine) failed with info = \(info) "
                + "(invalid argument \(-info), or -1010: out of memory)"
        }
    }

    /// `[3, 5]` as `3×5`.
    static func format(_ shape: [Int]) -> String {
        shape.map(String.init).joined(separator: "×")
    }
}
