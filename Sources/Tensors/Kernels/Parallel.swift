import Dispatch
import Foundation

/// Splits element-wise and row-wise kernels across cores.
///
/// Kernels run between BLAS calls, never inside one, so they do not compete with OpenBLAS's own
/// threads. Work below ``minimumElementsPerTask`` runs inline: thread hand-off costs more than it
/// saves on small tensors.
enum Parallel {
    /// Cores used by kernels (the process's active processor count).
    static let coreCount = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Below this many elements per task, work stays on the calling thread.
    static let minimumElementsPerTask = 1 << 15

    /// Calls `body` on disjoint ranges covering `0..<count`, in parallel when each task gets at
    /// least `minimumElementsPerTask / costPerItem` items.
    static func forEachRange(
        _ count: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void
    ) {
        let minimumItems = max(1, minimumElementsPerTask / max(1, costPerItem))
        let tasks = min(coreCount, count / minimumItems)
        if tasks <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: tasks) { task in
                let start = count * task / tasks
                let end = count * (task + 1) / tasks
                shared.value(start..<end)
            }
        }
    }
}

/// Carries a value across a concurrency boundary whose safety the caller guarantees (disjoint
/// ranges of one buffer, a closure that only touches those ranges).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
