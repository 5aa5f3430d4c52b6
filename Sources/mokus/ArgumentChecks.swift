import ArgumentParser

/// Range checks of numeric options, shared by the commands' `validate()`: every count, size and
/// scale has a lower and an upper bound, so that a typo (`--steps 1e12`, `--top -1`) is a one-line
/// error before anything runs. Upper bounds are far above any sensible run; what a run would
/// allocate is checked separately against the memory budget (`MemoryBudget`).
enum ArgumentChecks {
    /// Throws unless `value` is in `range`.
    static func check<T: Comparable>(_ option: String, _ value: T?, in range: ClosedRange<T>) throws {
        guard let value, !range.contains(value) else { return }
        throw ValidationError("\(option) must be in \(range.lowerBound)...\(range.upperBound), found \(value).")
    }

    /// Throws unless `value` is a finite number in `range`.
    static func check(_ option: String, _ value: Float?, in range: ClosedRange<Float>) throws {
        guard let value, !(value.isFinite && range.contains(value)) else { return }
        throw ValidationError("\(option) must be a finite number in \(range.lowerBound)...\(range.upperBound), found \(value).")
    }
}
