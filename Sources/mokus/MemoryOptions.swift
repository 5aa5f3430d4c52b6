import ArgumentParser
import ModelInterfaces

/// `--max-memory`: the memory budget a run's estimates are checked against (`MemoryBudget`),
/// instead of the machine's physical memory.
struct MemoryOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Refuse a run whose memory estimate is over this budget (e.g. 512M, 8G; default: the machine's memory).",
        valueName: "size"))
    var maxMemory: MemorySize?

    /// Sets the budget for this process when `--max-memory` is given.
    func apply() {
        if let maxMemory { MemoryBudget.limit = maxMemory.bytes }
    }
}

/// A byte count written `4096`, `512K`, `64M`, `8G` or `1T` (binary units, an optional `B` or `iB`).
struct MemorySize: ExpressibleByArgument, Equatable {
    var bytes: Int

    init?(argument: String) {
        var text = argument.uppercased()
        for suffix in ["IB", "B"] where text.hasSuffix(suffix) && text.count > suffix.count { text.removeLast(suffix.count); break }
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        let unit = text.last.flatMap { units[$0] } ?? 1
        if unit != 1 { text.removeLast() }
        guard let value = Double(text), value.isFinite, value > 0, value * Double(unit) < 0x1p62 else { return nil }
        bytes = Int(value * Double(unit))
    }
}
