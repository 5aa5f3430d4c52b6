/// A seeded, reproducible pseudo-random generator: xoshiro256** seeded through SplitMix64.
///
/// The same seed yields the same numbers on every run, machine and platform: every value is
/// derived with integer operations and correctly rounded IEEE arithmetic only (no `libm` calls,
/// whose last-bit results differ between C libraries). Normals use the Marsaglia polar method
/// with this file's own logarithm.
///
/// ```swift
/// var rng = RandomGenerator(seed: 42)
/// let w = rng.normal([4, 4], standardDeviation: 0.02)
/// ```
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)
    /// The second normal of the last polar-method pair, if unused.
    private var spareNormal: Double?

    /// Creates a generator whose whole stream is determined by `seed`.
    public init(seed: UInt64) {
        var s = seed
        func splitMix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// The next 64 random bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    /// A uniform Double in [0, 1) with 53 random bits.
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform Float in [0, 1) with 24 random bits.
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1.0p-24
    }

    /// A standard normal sample (Marsaglia polar method).
    public mutating func nextNormal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        while true {
            let u = 2 * nextUnitDouble() - 1
            let v = 2 * nextUnitDouble() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let factor = (-2 * DeterministicMath.log(s) / s).squareRoot()
                spareNormal = v * factor
                return u * factor
            }
        }
    }

    /// A uniform integer in `range`, without modulo bias (Lemire's method).
    public mutating func nextInt(in range: Range<Int>) -> Int {
        precondition(!range.isEmpty, "RandomGenerator.nextInt: empty range")
        let span = UInt64(range.upperBound - range.lowerBound)
        var product = next().multipliedFullWidth(by: span)
        if product.low < span {
            let threshold = (0 &- span) % span
            while product.low < threshold { product = next().multipliedFullWidth(by: span) }
        }
        return range.lowerBound + Int(product.high)
    }

    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

extension RandomGenerator {
    /// Uniform values in [low, high).
    public mutating func uniform(_ shape: [Int], low: Float = 0, high: Float = 1) -> Tensor {
        Tensor(shape: shape) { buffer in
            for i in buffer.indices { buffer[i] = low + (high - low) * nextUnitFloat() }
        }
    }

    /// Normal values with the given mean and standard deviation.
    public mutating func normal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1) -> Tensor {
        Tensor(shape: shape) { buffer in
            for i in buffer.indices { buffer[i] = mean + standardDeviation * Float(nextNormal()) }
        }
    }

    /// Uniform integers in `range`.
    public mutating func integers(_ count: Int, in range: Range<Int>) -> [Int] {
        (0..<count).map { _ in nextInt(in: range) }
    }

    /// A uniformly random permutation of `0..<count` (Fisher–Yates).
    public mutating func permutation(_ count: Int) -> [Int] {
        var values = Array(0..<count)
        if count > 1 {
            for i in stride(from: count - 1, to: 0, by: -1) { values.swapAt(i, nextInt(in: 0..<(i + 1))) }
        }
        return values
    }
}

/// Elementary functions built from correctly rounded IEEE operations only, so their results are
/// identical on every platform (unlike `libm`, whose last bits vary between implementations).
enum DeterministicMath {
    /// ln x for finite x > 0: x = m·2ᵉ with m in [√½, √2), then ln m = 2·atanh((m−1)/(m+1)) by
    /// its odd series (|t| ≤ 0.172, 11 terms, error < 1e-16 relative).
    static func log(_ x: Double) -> Double {
        precondition(x > 0 && x.isFinite, "DeterministicMath.log: argument \(x) out of domain")
        var m = x.significand   // in [1, 2)
        var e = Double(x.exponent)
        if m > 1.414_213_562_373_095_1 {
            m /= 2
            e += 1
        }
        let t = (m - 1) / (m + 1)
        let t2 = t * t
        var term = t, sum = 0.0
        var k = 1.0
        while k < 24 {
            sum += term / k
            term *= t2
            k += 2
        }
        return 2 * sum + e * 0.693_147_180_559_945_3
    }
}
