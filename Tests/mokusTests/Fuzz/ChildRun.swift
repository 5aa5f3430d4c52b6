import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The `mokus` executable run as a child process under resource limits, so that a trap, a runaway
/// allocation or a hang ends the child, never the test process: `ulimit -v` bounds its address
/// space, `ulimit -t` its CPU seconds (a hang dies of SIGXCPU).
///
/// GNU `time` (Debian package `time`, installed by scripts/install-system-packages.sh) reports how
/// `mokus` ended and its peak resident memory. It cannot be read from our own `wait4`: a process
/// spawned from the test process starts inside the test process's address space (`vfork`), and
/// Linux carries that space's high-water mark into the child's `ru_maxrss` across `exec`; `time`
/// forks `mokus` from its own small process, so its figure is `mokus`'s own.
struct ChildRun {
    /// How the child ended.
    var exitCode: Int32?
    var signal: Int32?
    var standardOutput: String
    var standardError: String
    /// Peak resident memory in bytes (GNU `time`'s `%M`).
    var peakResident: Int

    /// The `mokus` built beside the test bundle.
    static var executable: URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return beside.lastPathComponent.hasSuffix(".xctest")
            ? beside.deletingLastPathComponent().appending(path: "mokus") : beside.appending(path: "mokus")
    }

    static let time = "/usr/bin/time"

    /// Runs `mokus arguments` in `directory` with `TMPDIR` set to `temporary`.
    ///
    /// - Parameters:
    ///   - addressSpace: the `ulimit -v` bound in bytes.
    ///   - cpuSeconds: the `ulimit -t` bound.
    static func mokus(_ arguments: [String], in directory: URL, temporary: URL, addressSpace: Int = 8 << 30,
                      cpuSeconds: Int = 60) throws -> ChildRun {
        guard FileManager.default.isExecutableFile(atPath: time) else {
            throw POSIXError(.ENOENT, userInfo: [NSLocalizedDescriptionKey: "\(time) (GNU time, Debian package time) is needed"])
        }
        // Beside `directory`, not in it: the runs check what they leave there.
        let scratch = directory.deletingLastPathComponent().appending(path: ".child-\(UUID().uuidString)")
        let (output, error, measure) = (scratch.appending(path: "stdout"), scratch.appending(path: "stderr"), scratch.appending(path: "time"))
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let script = "ulimit -v \(addressSpace / 1024) && ulimit -t \(cpuSeconds) && cd \"$1\" && shift && exec \"$@\""
        let argv = ["/bin/sh", "-c", script, "sh", directory.path(percentEncoded: false), time, "-f", "%M",
                    "-o", measure.path(percentEncoded: false), executable.path(percentEncoded: false)] + arguments
        let environment = ["PATH=/usr/bin:/bin", "TMPDIR=\(temporary.path(percentEncoded: false))", "OPENBLAS_NUM_THREADS=1",
                           "HOME=\(temporary.path(percentEncoded: false))", "LANG=C.UTF-8"]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output.path(percentEncoded: false), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, error.path(percentEncoded: false), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup($0) } + [nil]
        defer { (cArguments + cEnvironment).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, cArguments, cEnvironment)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // `time` writes "Command terminated by signal N" or "Command exited with non-zero status N"
        // when so, then the peak in KiB; it exits with mokus's status (128 + N for a signal).
        let report = ((try? String(contentsOf: measure, encoding: .utf8)) ?? "").split(separator: "\n")
        let signal = report.first { $0.hasPrefix("Command terminated by signal ") }.flatMap { Int32($0.split(separator: " ").last ?? "") }
        let low = status & 0x7F
        return ChildRun(
            exitCode: low == 0 && signal == nil ? (status >> 8) & 0xFF : nil, signal: signal ?? (low != 0 && low != 0x7F ? low : nil),
            standardOutput: (try? String(contentsOf: output, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOf: error, encoding: .utf8)) ?? "",
            peakResident: (report.last.flatMap { Int($0) } ?? Int.max / 1024) * 1024)
    }
}
