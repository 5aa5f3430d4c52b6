/// Branch-free Float32 elementary functions that the compiler vectorises inside kernel loops.
///
/// Accuracy contract (measured in `FastMathTests` against Float64 `Foundation` results over
/// dense grids): `exp` ≤ 2 ulp for x in [-87.3, 88.7], `tanh` ≤ 3e-7 absolute and ≤ 2e-6
/// relative. Outside that range `exp` returns +∞ above 88.72 and 0 below -87.34 (float32
/// subnormal results are flushed to zero); NaN propagates.
enum FastMath {
    /// eˣ by Cody–Waite range reduction (x = n·ln 2 + r, |r| ≤ ln2/2) and Cephes' degree-6
    /// minimax polynomial for eʳ; 2ⁿ is assembled in the exponent bits.
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        let clamped = x.isNaN ? 0 : Swift.min(Swift.max(x, -87.336_54), 88.722_83)
        // Round x·log₂e to the nearest integer n without a libm call: adding 1.5·2²³ leaves n in
        // the low mantissa bits (valid for |x·log₂e| < 2²²), so both the float n and the integer
        // n come out of one addition.
        let shifted = clamped * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        let r = clamped - n * 0.693_359_375 + n * 2.121_944_4e-4
        var p: Float = 1.987_569_15e-4
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let expR = p * r * r + r + 1
        // 2ⁿ is built as two factors, so n = 128 or n = −126 never leaves the normal exponent range.
        let integer = Int32(bitPattern: shifted.bitPattern &- 0x4B40_0000)
        let high = integer >> 1, low = integer &- high
        let scaleHigh = Float(bitPattern: UInt32(bitPattern: high &+ 127) << 23)
        let scaleLow = Float(bitPattern: UInt32(bitPattern: low &+ 127) << 23)
        var result = expR * scaleHigh * scaleLow
        result = x > 88.722_83 ? .infinity : result
        result = x < -87.336_54 ? 0 : result
        return x.isNaN ? x : result
    }

    /// tanh x: an odd minimax polynomial (Cephes) for |x| < 0.625, otherwise 1 − 2/(e²|ˣ| + 1)
    /// with the sign restored.
    @inline(__always)
    static func tanh(_ x: Float) -> Float {
        let a = Swift.abs(x)
        let z = x * x
        var p: Float = -5.704_988_72e-3
        p = p * z + 2.063_908_88e-2
        p = p * z - 5.373_971_55e-2
        p = p * z + 1.333_144_22e-1
        p = p * z - 3.333_328_19e-1
        let small = p * z * x + x
        let e = exp(2 * Swift.min(a, 9.5))
        let large = 1 - 2 / (e + 1)
        let signedLarge = x < 0 ? -large : large
        return a < 0.625 ? small : signedLarge
    }

    /// 1 / (1 + e⁻ˣ).
    @inline(__always)
    static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }

    /// √(2/π), the constant of the tanh form of GELU.
    static let geluScale: Float = 0.797_884_560_8
}
