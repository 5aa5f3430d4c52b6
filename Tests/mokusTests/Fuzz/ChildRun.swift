import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The `mokus` executable run as a child process under resource limits, so that a trap, a runaway
/// allocation or a hang ends the child, never the test process: `ulimit -v` bounds its address
/// space, `ulimit -t` its CPU seconds (a hang dies of SIGXCPU), and `wait4` reports how it ended
/// and its peak resident memory.
struct ChildRun {
    /// How the child ended.
    var exitCode: Int32?
    var signal: Int32?
    var standardOutput: String
    var standardError: String
    /// Peak resident memory in bytes (`ru_maxrss`).
    var peakResident: Int

    /// The `mokus` built beside the test bundle.
    static var executable: URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return beside.lastPathComponent.hasSuffix(".xctest")
            ? beside.deletingLastPathComponent().appending(path: "mokus") : beside.appending(path: "mokus")
    }

    /// Runs `mokus arguments` in `directory` with `TMPDIR` set to `temporary`.
    ///
    /// - Parameters:
    ///   - addressSpace: the `ulimit -v` bound in bytes.
    ///   - cpuSeconds: the `ulimit -t` bound.
    static func mokus(_ arguments: [String], in directory: URL, temporary: URL, addressSpace: Int = 8 << 30,
                      cpuSeconds: Int = 60) throws -> ChildRun {
        let output = directory.appending(path: ".child-stdout"), error = directory.appending(path: ".child-stderr")
        defer {
            try? FileManager.default.removeItem(at: output)
            try? FileManager.default.removeItem(at: error)
        }
        let script = "ulimit -v \(addressSpace / 1024) && ulimit -t \(cpuSeconds) && cd \"$1\" && shift && exec \"$@\""
        let argv = ["/bin/sh", "-c", script, "sh", directory.path(percentEncoded: false), executable.path(percentEncoded: false)]
            + arguments
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
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let low = status & 0x7F
        return ChildRun(
            exitCode: low == 0 ? (status >> 8) & 0xFF : nil, signal: low != 0 && low != 0x7F ? low : nil,
            standardOutput: (try? String(contentsOf: output, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOf: error, encoding: .utf8)) ?? "",
            peakResident: usage.ru_maxrss * 1024)
    }
}
