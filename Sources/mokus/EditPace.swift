import Foundation

/// The remaining time of a sequential run, from the pace of its recent edits.
///
/// The estimate is (requests left) × (mean seconds per request over the last ``window`` units of
/// work), so a slow first edit (warm-up, caches) stops counting once enough edits are done, and a
/// run whose per-edit time drifts shows it in the estimate.
struct EditPace {
    /// Units of work (edits or batches) the mean is taken over.
    let window: Int
    private var recent: [(seconds: Double, requests: Int)] = []

    init(window: Int = 50) { self.window = max(1, window) }

    /// Records one unit of work: `requests` requests edited in `seconds`.
    mutating func record(seconds: Double, requests: Int) {
        recent.append((seconds, requests))
        if recent.count > window { recent.removeFirst(recent.count - window) }
    }

    /// Seconds left for `remaining` requests; nil before the first unit.
    func secondsLeft(remaining: Int) -> Double? {
        let requests = recent.reduce(0) { $0 + $1.requests }
        guard requests > 0 else { return nil }
        return recent.reduce(0) { $0 + $1.seconds } / Double(requests) * Double(remaining)
    }

    /// `ETA 42s`, `ETA 3m05s`, `ETA 1h02m`; empty before the first unit.
    func label(remaining: Int) -> String {
        guard let seconds = secondsLeft(remaining: remaining) else { return "" }
        let whole = Int(seconds.rounded())
        if whole < 60 { return "ETA \(whole)s" }
        if whole < 3600 { return String(format: "ETA %dm%02ds", whole / 60, whole % 60) }
        return String(format: "ETA %dh%02dm", whole / 3600, whole / 60 % 60)
    }
}
