import ArgumentParser
import Foundation
import ModelInterfaces

/// Progress on stderr, nothing with `--quiet`.
///
/// On a terminal: one line redrawn at most ~10 times per second. Otherwise (a log file, a pipe,
/// a batch job): a line when a phase begins, a line per update at most once per `logInterval`
/// seconds (and for the last update), and a `done` line; each update line gives the count, the
/// phase's detail (e.g. `σ 0.812`) and the seconds since the phase began.
final class TerminalProgress: ProgressReporter {
    private let interactive: Bool
    private let logInterval: TimeInterval
    private let output: FileHandle
    private var phase = ""
    private var total: Int?
    private var started = Date()
    private var lastDraw = Date.distantPast
    private var lastDetail: String?

    /// - Parameter output: where lines go (stderr; a pipe in tests).
    init(interactive: Bool = isatty(STDERR_FILENO) != 0, logInterval: TimeInterval = 1, output: FileHandle = .standardError) {
        self.interactive = interactive
        self.logInterval = logInterval
        self.output = output
    }

    func begin(_ phase: String, total: Int?) {
        self.phase = phase
        self.total = total
        started = Date()
        lastDraw = .distantPast
        lastDetail = nil
        if !interactive { write("\(phase)…\n") }
    }

    func update(completed: Int, detail: String?) {
        lastDetail = detail
        let now = Date()
        let last = total == completed
        guard now.timeIntervalSince(lastDraw) > (interactive ? 0.1 : logInterval) || (last && !interactive) else { return }
        lastDraw = now
        let count = total.map { "\(completed)/\($0)" } ?? "\(completed)"
        let line = "\(phase): \(count)\(detail.map { ", \($0)" } ?? ""), \(elapsed(now))"
        write(interactive ? "\r\u{1B}[K\(line)" : "\(line)\n")
    }

    func end() {
        let line = "\(phase): done\(lastDetail.map { ", \($0)" } ?? ""), \(elapsed(Date()))\n"
        write(interactive ? "\r\u{1B}[K\(line)" : line)
    }

    private func elapsed(_ now: Date) -> String { String(format: "%.1f s", now.timeIntervalSince(started)) }

    private func write(_ text: String) { output.write(Data(text.utf8)) }
}

/// `--quiet` and the reporter it selects.
struct ProgressOptions: ParsableArguments {
    @Flag(help: "Print no progress on stderr.") var quiet = false

    var reporter: (any ProgressReporter)? { quiet ? nil : TerminalProgress() }
}
