/// Receives progress from long work (optimisation steps, statistics batches). The CLI draws it
/// on a terminal or prints one line per phase; library code never prints.
public protocol ProgressReporter: AnyObject {
    /// A new phase begins (e.g. "layer 5: v* optimisation"), with `total` steps if known.
    func begin(_ phase: String, total: Int?)
    /// `completed` steps of the current phase are done; `detail` is a short status (a loss).
    func update(completed: Int, detail: String?)
    /// The current phase ended.
    func end()
}
