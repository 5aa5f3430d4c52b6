import KnowledgeEditing
import Tensors

/// UltraEdit's lifelong running normaliser (`RunningMeanStd` in UltraEdit's `nets.py`), one per
/// distinct edited weight shape (d_in, d_out): it sees the rows z = [k ‖ g] ∈ R^{d_in + d_out} of
/// every module of that shape, in every edit, and is never reset between edits.
///
/// With n rows seen so far, mean μ and sum of squares S, a batch of b rows updates it as
///
///     n' = n + b,   δ = mean_b(z) − μ,   μ ← μ + b δ / n',
///     S ← S + b · var_b(z) + n b δ² / n',   n ← n',
///     σ = sqrt(S / (n − 1 + ε)),            ε = Float32 machine epsilon,
///
/// per column, with var_b PyTorch's *unbiased* per-column variance, exactly as UltraEdit does (so
/// S is not Chan/Welford's M₂: it exceeds Σ (z − μ)² by Σ over batches of var_b). A single-row
/// batch has no unbiased variance (PyTorch: NaN, which would poison S forever); its variance is
/// taken as 0, which is also the exact within-batch sum of squares of one row. (A first batch of
/// one row then gives μ = z and σ = 0, so ẑ = 0 and that edit is zero; later rows are finite.)
///
/// Rows are normalised as ẑ = (z − μ) / (σ + ε). The update runs in Float64; the state is kept in
/// ``EditState/tensors`` as Float32 (``stateNames``), so it is rounded once per edit call.
struct LifelongNormalizer: Equatable {
    /// Float32 machine epsilon, UltraEdit's ε.
    static let epsilon = Double(Float.ulpOfOne)
    /// A count is stored as two Float32 numbers (count / 2²⁴, count mod 2²⁴), each exact.
    static let countRadix = 1 << 24

    let keyWidth: Int, valueWidth: Int
    private(set) var count = 0
    private(set) var mean: [Double]
    private(set) var sumOfSquares: [Double]

    var width: Int { keyWidth + valueWidth }

    /// An empty normaliser for weights of shape (d_in, d_out) = (`keyWidth`, `valueWidth`).
    init(keyWidth: Int, valueWidth: Int) {
        self.keyWidth = keyWidth
        self.valueWidth = valueWidth
        mean = Array(repeating: 0, count: keyWidth + valueWidth)
        sumOfSquares = mean
    }

    /// The names of the state tensors of shape (d_in, d_out): `ultraedit.<d_in>x<d_out>.count`
    /// (`[2]`), `.mean` and `.sum_squares` (`[d_in + d_out]`).
    static func stateNames(keyWidth: Int, valueWidth: Int) -> (count: String, mean: String, sumOfSquares: String) {
        let prefix = "ultraedit.\(keyWidth)x\(valueWidth)"
        return ("\(prefix).count", "\(prefix).mean", "\(prefix).sum_squares")
    }

    /// The normaliser saved in `state`, or an empty one when `state` holds none.
    ///
    /// - Throws: ``UltraEditError/normalizerStateMismatch(name:expected:found:)`` when a tensor is
    ///   missing while the others exist, has the wrong shape, or holds a negative or non-finite count.
    init(state: EditState, keyWidth: Int, valueWidth: Int) throws {
        self.init(keyWidth: keyWidth, valueWidth: valueWidth)
        let names = Self.stateNames(keyWidth: keyWidth, valueWidth: valueWidth)
        let stored = [names.count, names.mean, names.sumOfSquares].map { state.tensors[$0] }
        if stored.allSatisfy({ $0 == nil }) { return }
        let expected = [[2], [width], [width]]
        let tensors = try zip([names.count, names.mean, names.sumOfSquares], zip(stored, expected)).map { name, pair in
            guard let tensor = pair.0, tensor.shape == pair.1 else {
                throw UltraEditError.normalizerStateMismatch(name: name, expected: pair.1, found: pair.0?.shape)
            }
            return tensor
        }
        let parts = tensors[0].scalars
        guard parts.allSatisfy({ $0 >= 0 && $0 == $0.rounded() && $0 < Float(Self.countRadix) }) else {
            throw UltraEditError.normalizerStateMismatch(name: names.count, expected: [2], found: [2])
        }
        count = Int(parts[0]) * Self.countRadix + Int(parts[1])
        mean = tensors[1].scalars.map(Double.init)
        sumOfSquares = tensors[2].scalars.map(Double.init)
    }

    /// Writes the normaliser into `state` under ``stateNames(keyWidth:valueWidth:)``.
    func write(to state: EditState) {
        let names = Self.stateNames(keyWidth: keyWidth, valueWidth: valueWidth)
        let parts = [count / Self.countRadix, count % Self.countRadix].map(Float.init)
        state.tensors[names.count] = Tensor(shape: [2], scalars: parts)
        state.tensors[names.mean] = Tensor(shape: [width], scalars: mean.map(Float.init))
        state.tensors[names.sumOfSquares] = Tensor(shape: [width], scalars: sumOfSquares.map(Float.init))
    }

    /// Adds b rows z = [`keys` ‖ `gradients`] (`[b, d_in]`, `[b, d_out]`).
    ///
    /// - Complexity: O(b · (d_in + d_out)).
    mutating func update(keys: Tensor, gradients: Tensor) {
        let rows = keys.shape[0]
        guard rows > 0 else { return }
        var batchMean = [Double](repeating: 0, count: width)
        forEachRow(keys: keys, gradients: gradients) { _, column, value in batchMean[column] += value }
        batchMean = batchMean.map { $0 / Double(rows) }
        var batchSquares = [Double](repeating: 0, count: width)
        forEachRow(keys: keys, gradients: gradients) { _, column, value in
            let d = value - batchMean[column]
            batchSquares[column] += d * d
        }
        let b = Double(rows), n = Double(count), updated = n + b
        for column in 0..<width {
            let variance = rows > 1 ? batchSquares[column] / (b - 1) : 0
            let delta = batchMean[column] - mean[column]
            mean[column] += b * delta / updated
            sumOfSquares[column] += b * variance + n * b * delta * delta / updated
        }
        count += rows
    }

    /// σ per column: sqrt(S / (n − 1 + ε)).
    var standardDeviation: [Double] {
        sumOfSquares.map { ($0 / (Double(count) - 1 + Self.epsilon)).squareRoot() }
    }

    /// The normalised rows (k̂, ĝ) = ((z − μ) / (σ + ε)) split at d_in: `[b, d_in]`, `[b, d_out]`.
    func normalize(keys: Tensor, gradients: Tensor) -> (keys: Tensor, gradients: Tensor) {
        let sigma = standardDeviation
        let scale = { (column: Int, value: Double) in
            Float((value - self.mean[column]) / (sigma[column] + Self.epsilon))
        }
        let k = keys.scalars, g = gradients.scalars, rows = keys.shape[0]
        let normalizedKeys = Tensor(shape: keys.shape, scalars: k.indices.map {
            scale($0 % keyWidth, Double(k[$0]))
        })
        let normalizedGradients = Tensor(shape: [rows, valueWidth], scalars: g.indices.map {
            scale(keyWidth + $0 % valueWidth, Double(g[$0]))
        })
        return (normalizedKeys, normalizedGradients)
    }

    /// Calls `body(row, column, value)` for every element of the rows [k ‖ g].
    private func forEachRow(keys: Tensor, gradients: Tensor, _ body: (Int, Int, Double) -> Void) {
        let k = keys.scalars, g = gradients.scalars
        for row in 0..<keys.shape[0] {
            for column in 0..<keyWidth { body(row, column, Double(k[row * keyWidth + column])) }
            for column in 0..<valueWidth { body(row, keyWidth + column, Double(g[row * valueWidth + column])) }
        }
    }
}
