import Tensors

/// The uncentred second moment of a module's input over a corpus: the sum Σ k kᵀ over every
/// non-padding token's input vector k (d values), and the number of tokens. C = sum / count is
/// the `mom2` that MEMIT and AlphaEdit use (EasyEdit's `get_cov`).
///
/// The sum is kept in Float64: it adds up 10⁵–10⁷ outer products, far beyond what a Float32
/// running sum can hold to 7 digits.
public struct SecondMoment: Sendable, Equatable {
    /// d, the width of the module's input.
    public let dimension: Int
    /// Σ k kᵀ, d×d row-major.
    public let sum: [Double]
    /// Number of tokens summed.
    public let count: Int

    /// - Throws: ``StatisticsError/invalidParameter(name:value:expected:)`` when d < 1, `sum`
    ///   does not hold d×d values, or `count` is negative.
    public init(dimension: Int, sum: [Double], count: Int) throws {
        guard dimension >= 1, sum.count == dimension * dimension else {
            throw StatisticsError.invalidParameter(
                name: "sum", value: "\(sum.count) values", expected: "\(dimension)×\(dimension) values")
        }
        guard count >= 0 else {
            throw StatisticsError.invalidParameter(name: "count", value: "\(count)", expected: "a count ≥ 0")
        }
        self.init(validatedDimension: dimension, sum: sum, count: count)
    }

    /// Wraps values already known to satisfy the invariants (d ≥ 1, d×d sum, count ≥ 0).
    init(validatedDimension dimension: Int, sum: [Double], count: Int) {
        assert(dimension >= 1 && sum.count == dimension * dimension && count >= 0)
        self.dimension = dimension
        self.sum = sum
        self.count = count
    }

    /// C = sum / count as a d×d Float32 tensor (zeros when `count` is 0).
    ///
    /// - Complexity: O(d²).
    public var mean: Tensor {
        let scale = count > 0 ? 1 / Double(count) : 0
        return Tensor(shape: [dimension, dimension]) { buffer in
            sum.withUnsafeBufferPointer { source in
                for i in 0..<source.count { buffer[i] = Float(source[i] * scale) }
            }
        }
    }
}

/// Accumulates Σ k kᵀ batch by batch: each batch's keys K (`[rows, d]`) are multiplied as one
/// Float32 `sgemm` Kᵀ·K (exact enough for the few thousand rows of one batch), which is then
/// added into the Float64 total.
struct SecondMomentAccumulator {
    let dimension: Int
    private(set) var sum: [Double]
    private(set) var count = 0
    /// Kᵀ·K of the current batch.
    private var batchProduct: [Float]

    init(dimension: Int) {
        self.dimension = dimension
        sum = [Double](repeating: 0, count: dimension * dimension)
        batchProduct = [Float](repeating: 0, count: dimension * dimension)
    }

    /// Adds the outer products of the rows of `keys` (`[rows, d]`).
    ///
    /// - Complexity: 2·rows·d² flops (one sgemm) plus d² additions.
    mutating func add(_ keys: Tensor) {
        let rows = keys.shape[0]
        guard rows > 0 else { return }
        let d = dimension
        keys.withUnsafeBufferPointer { k in
            batchProduct.withUnsafeMutableBufferPointer { product in
                guard let keys = k.baseAddress, let out = product.baseAddress else { return }
                BLAS.gemm(
                    transposeA: true, transposeB: false, m: d, n: d, k: rows,
                    a: keys, lda: d, b: keys, ldb: d, c: out, ldc: d)
            }
        }
        batchProduct.withUnsafeBufferPointer { product in
            sum.withUnsafeMutableBufferPointer { total in
                for i in 0..<total.count { total[i] += Double(product[i]) }
            }
        }
        count += rows
    }

    /// The moment accumulated so far.
    var moment: SecondMoment { SecondMoment(validatedDimension: dimension, sum: sum, count: count) }
}
