/// Reductions over one contiguous row with 16-lane SIMD accumulators.
///
/// Swift keeps floating-point addition in program order, so a plain `total += x[j]` loop runs
/// one add at a time. These helpers sum in 16 interleaved partial sums instead, which changes the
/// rounding order (results can differ from a sequential sum in the last bits) but runs at
/// memory speed.
enum RowMath {
    private typealias Lanes = SIMD16<Float>
    private static let lanes = 16

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>, _ offset: Int) -> Lanes {
        UnsafeRawPointer(p + offset).loadUnaligned(as: Lanes.self)
    }

    /// Σ x[j].
    @inline(__always)
    static func sum(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var accumulator = Lanes(), j = 0
        while j + lanes <= count {
            accumulator += load(x, j)
            j += lanes
        }
        var total = accumulator.sum()
        while j < count {
            total += x[j]
            j += 1
        }
        return total
    }

    /// Σ x[j]·y[j].
    @inline(__always)
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ count: Int) -> Float {
        var accumulator = Lanes(), j = 0
        while j + lanes <= count {
            accumulator += load(x, j) * load(y, j)
            j += lanes
        }
        var total = accumulator.sum()
        while j < count {
            total += x[j] * y[j]
            j += 1
        }
        return total
    }

    /// The largest of `count` values (−∞ for an empty row). NaNs are skipped: callers (softmax)
    /// rely on a NaN input propagating through the exp and sum that follow.
    ///
    /// Eight scalar running maxima, which the compiler turns into one vector register; Swift's
    /// generic `pointwiseMax` on SIMD types compiles to per-lane code and is ~40× slower here.
    @inline(__always)
    static func maximum(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var m = (Float, Float, Float, Float, Float, Float, Float, Float)(
            -.infinity, -.infinity, -.infinity, -.infinity, -.infinity, -.infinity, -.infinity, -.infinity)
        var j = 0
        while j + 8 <= count {
            m.0 = x[j] > m.0 ? x[j] : m.0
            m.1 = x[j + 1] > m.1 ? x[j + 1] : m.1
            m.2 = x[j + 2] > m.2 ? x[j + 2] : m.2
            m.3 = x[j + 3] > m.3 ? x[j + 3] : m.3
            m.4 = x[j + 4] > m.4 ? x[j + 4] : m.4
            m.5 = x[j + 5] > m.5 ? x[j + 5] : m.5
            m.6 = x[j + 6] > m.6 ? x[j + 6] : m.6
            m.7 = x[j + 7] > m.7 ? x[j + 7] : m.7
            j += 8
        }
        var result = Swift.max(Swift.max(Swift.max(m.0, m.1), Swift.max(m.2, m.3)),
                               Swift.max(Swift.max(m.4, m.5), Swift.max(m.6, m.7)))
        while j < count {
            result = x[j] > result ? x[j] : result
            j += 1
        }
        return result
    }
}
