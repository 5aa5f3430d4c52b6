/// A dense row-major matrix of `Float` or `Double`, the value type of the LAPACK facade.
///
/// Element (i, j) is `scalars[i * columns + j]`. `Matrix` is a plain value (copy-on-write through
/// its array) with no autodiff: it is the working type of closed-form solves, where the knowledge
/// editors compute in `Double` (MEMIT's covariance solve, AlphaEdit's null-space projector,
/// UltraEdit's ridge solve) and convert back to a Float32 ``Tensors/Tensor`` at the end.
///
/// ```swift
/// let a = try Matrix<Double>(rows: 2, columns: 2, scalars: [4, 2, 2, 3])
/// let l = try cholesky(a)                    // a = l·lᵀ
/// let x = try choleskySolve(factor: l, .identity(2))
/// ```
///
/// ### See Also
/// - ``cholesky(_:triangle:)``, ``solve(_:_:)``, ``symmetricEigen(_:)``, ``svd(_:full:)``,
///   ``inverse(_:)``, ``matmul(_:_:transposeA:transposeB:)``.
public struct Matrix<Scalar: LinalgScalar>: Equatable, Sendable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// The elements in row-major order; always `rows * columns` of them.
    public internal(set) var scalars: [Scalar]

    /// A matrix holding `scalars` in row-major order.
    /// - Throws: ``LinalgError/invalidStorage(rows:columns:count:)`` when an extent is negative or
    ///   `scalars.count != rows * columns`.
    public init(rows: Int, columns: Int, scalars: [Scalar]) throws(LinalgError) {
        guard rows >= 0, columns >= 0, rows.multipliedReportingOverflow(by: columns) == (scalars.count, false)
        else { throw .invalidStorage(rows: rows, columns: columns, count: scalars.count) }
        self.rows = rows
        self.columns = columns
        self.scalars = scalars
    }

    /// A matrix whose element (i, j) is `element(i, j)`.
    /// - Precondition: `rows >= 0` and `columns >= 0` (extents are chosen by code, not read from data).
    public init(rows: Int, columns: Int, element: (_ row: Int, _ column: Int) -> Scalar) {
        precondition(rows >= 0 && columns >= 0, "Matrix: negative extent \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        var scalars = [Scalar]()
        scalars.reserveCapacity(rows * columns)
        for i in 0..<rows {
            for j in 0..<columns { scalars.append(element(i, j)) }
        }
        self.scalars = scalars
    }

    /// Wraps storage already known to hold `rows * columns` elements.
    init(rows: Int, columns: Int, validatedScalars: [Scalar]) {
        assert(validatedScalars.count == rows * columns)
        self.rows = rows
        self.columns = columns
        self.scalars = validatedScalars
    }

    /// The rows×columns matrix of zeros.
    /// - Precondition: `rows >= 0` and `columns >= 0`.
    public static func zeros(rows: Int, columns: Int) -> Matrix {
        precondition(rows >= 0 && columns >= 0, "Matrix.zeros: negative extent \(rows)×\(columns)")
        return Matrix(rows: rows, columns: columns, validatedScalars: Array(repeating: 0, count: rows * columns))
    }

    /// The n×n identity matrix.
    /// - Precondition: `n >= 0`.
    public static func identity(_ n: Int) -> Matrix {
        var result = zeros(rows: n, columns: n)
        for i in 0..<n { result.scalars[i * n + i] = 1 }
        return result
    }

    /// The same values in another precision (`Float` ↔ `Double`), each rounded to nearest.
    public init<Other: LinalgScalar>(_ other: Matrix<Other>) {
        self.init(rows: other.rows, columns: other.columns, validatedScalars: other.scalars.map { Scalar($0) })
    }

    /// `[rows, columns]`.
    public var shape: [Int] { [rows, columns] }

    /// Whether the matrix has as many rows as columns.
    public var isSquare: Bool { rows == columns }

    /// Element (row, column).
    /// - Precondition: both indices are in range, as for `Array`.
    public subscript(row: Int, column: Int) -> Scalar {
        get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns,
                         "Matrix: index (\(row), \(column)) out of range for \(rows)×\(columns)")
            return scalars[row * columns + column]
        }
        set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns,
                         "Matrix: index (\(row), \(column)) out of range for \(rows)×\(columns)")
            scalars[row * columns + column] = newValue
        }
    }

    /// The transpose Aᵀ (columns×rows).
    /// - Complexity: O(rows·columns).
    public var transposed: Matrix {
        Matrix(rows: columns, columns: rows) { i, j in scalars[j * columns + i] }
    }

    /// The Frobenius norm ‖A‖_F = √(Σᵢⱼ aᵢⱼ²), accumulated in `Double`.
    public var frobeniusNorm: Double {
        scalars.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
    }
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map(\.description).joined(separator: ", ")
        return "Matrix<\(Scalar.self)>(\(rows)×\(columns), [\(shown)\(scalars.count > 8 ? ", …" : "")])"
    }
}
