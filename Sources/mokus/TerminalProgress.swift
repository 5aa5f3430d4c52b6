import ArgumentParser
import Foundation
import KnowledgeEditing

/// Progress on stderr: a redrawn line (at most ~10 per second) when stderr is a terminal, one
/// line per phase otherwise (logs stay readable), nothing with `--quiet`.
final class TerminalProgress: ProgressReporter {
    private let interactive = isatty(STDERR_FILENO) != 0
    private var phase = ""
    private var total: Int?
    private var lastDraw = Date.distantPast
    private var lastDetail: String?

    func begin(_ phase: String, total: Int?) {
        self.phase = phase
        self.total = total
        lastDetail = nil
        if !interactive { write("\(phase)…\n") }
    }

    func update(completed: Int, detail: String?) {
        lastDetail = detail
        guard interactive, Date().timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = Date()
        let count = total.map { "\(completed)/\($0)" } ?? "\(completed)"
        write("\r\u{1B}[K\(phase): \(count)\(detail.map { ", \($0)" } ?? "")")
    }

    func end() {
        if interactive {
            write("\r\u{1B}[K\(phase): done\(lastDetail.map { ", \($0)" } ?? "")\n")
        } else if let lastDetail {
            write("\(phase): done, \(lastDetail)\n")
        }
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}

/// `--quiet` and the reporter it selects.
struct ProgressOptions: ParsableArguments {
    @Flag(help: "Print no progress on stderr.") var quiet = false

    var reporter: (any ProgressReporter)? { quiet ? nil : TerminalProgress() }
}
