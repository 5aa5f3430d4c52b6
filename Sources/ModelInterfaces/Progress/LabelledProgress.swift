/// Names the unit of work a phase belongs to: `request 3/100: optimising …`. Set ``label``
/// before each unit; an empty label passes phases through unchanged.
public final class LabelledProgress: ProgressReporter {
    private let base: any ProgressReporter
    /// The prefix of the next phases, e.g. `request 3/100`.
    public var label = ""

    public init(_ base: any ProgressReporter) { self.base = base }

    /// The reporter phases go to without a label (work that belongs to no single unit, such as
    /// statistics computed once for a whole run).
    public var unlabelled: any ProgressReporter { base }

    public func begin(_ phase: String, total: Int?) { base.begin(label.isEmpty ? phase : "\(label): \(phase)", total: total) }
    public func update(completed: Int, detail: String?) { base.update(completed: completed, detail: detail) }
    public func end() { base.end() }
}
