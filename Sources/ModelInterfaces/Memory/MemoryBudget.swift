import Foundation
import Synchronization

/// How much memory a run may plan to allocate, and the check that refuses a run whose estimate is
/// over it before anything large is allocated.
///
/// The budget is the machine's physical memory unless a smaller one is set (the CLI's
/// `--max-memory`). Models estimate what an operation will hold at its peak (attention scores,
/// activations, sampling tables; see ``TextEncoder`` implementations and generators) with
/// ``bytes(_:)``, which saturates instead of overflowing, and call ``check(_:for:)`` first: an
/// input sized by mistake (a 50 k-token text, a 4096×4096 image on a small pipeline,
/// `--steps 1e12`) fails at once with the estimate, not after minutes of swapping or an
/// out-of-memory kill.
public enum MemoryBudget {
    private static let override = Mutex<Int?>(nil)

    /// Bytes a run may plan to allocate: ``limit`` when set, else ``physicalMemory``.
    public static var limit: Int {
        get { override.withLock { $0 } ?? physicalMemory }
        set { override.withLock { $0 = newValue } }
    }

    /// Clears a budget set through ``limit``.
    public static func resetLimit() { override.withLock { $0 = nil } }

    /// The machine's physical memory in bytes.
    public static var physicalMemory: Int { Int(clamping: ProcessInfo.processInfo.physicalMemory) }

    /// The product of `factors` (element counts and byte sizes), or `Int.max` when it overflows or
    /// a factor is negative (an estimate that large is refused by any budget).
    public static func bytes(_ factors: Int...) -> Int {
        var product = 1
        for factor in factors {
            guard factor >= 0 else { return .max }
            let (next, overflow) = product.multipliedReportingOverflow(by: factor)
            if overflow { return .max }
            product = next
        }
        return product
    }

    /// The sum of `terms`, saturating at `Int.max`.
    public static func sum(_ terms: Int...) -> Int {
        terms.reduce(0) { total, term in
            let (next, overflow) = total.addingReportingOverflow(term)
            return overflow ? .max : next
        }
    }

    /// Throws when `estimate` exceeds `limit` (by default ``limit``).
    ///
    /// - Parameter operation: what the estimate is for, in words (`a forward pass over 54000 tokens`).
    /// - Throws: ``MemoryBudgetError/overBudget(operation:estimate:limit:)``.
    public static func check(_ estimate: Int, for operation: String, limit: Int = limit) throws(MemoryBudgetError) {
        guard estimate <= limit else { throw .overBudget(operation: operation, estimate: estimate, limit: limit) }
    }

    /// `bytes` in binary units: `512 B`, `3.4 GiB`; estimates that overflowed read `more than 8 EiB`.
    public static func describe(_ bytes: Int) -> String {
        if bytes == .max { return "more than 8 EiB" }
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f", value) + " " + units[unit]
    }
}

/// A run refused before allocating, because its memory estimate is over the budget.
public enum MemoryBudgetError: Error, CustomStringConvertible, Equatable, Sendable {
    /// `operation` would need about `estimate` bytes; `limit` are allowed (physical memory or
    /// `--max-memory`).
    case overBudget(operation: String, estimate: Int, limit: Int)

    public var description: String {
        switch self {
        case let .overBudget(operation, estimate, limit):
            "\(operation) needs about \(MemoryBudget.describe(estimate)), more than the "
                + "\(MemoryBudget.describe(limit)) memory budget (the machine's memory, or --max-memory)"
        }
    }
}
