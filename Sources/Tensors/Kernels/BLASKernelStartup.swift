import Foundation

/// Applies ``BLASKernelChoice`` to the running process: the executables call ``apply()`` first
/// thing in `main`, before any BLAS call.
///
/// The CPU's features come from `/proc/cpuinfo` rather than a `cpuid` shim: Swift has no inline
/// assembly, the kernel's flags already account for what the OS enables (XSAVE state), and the file
/// needs no C target. Where it is absent (not Linux), the flag set is empty and OpenBLAS's choice is kept.
public enum BLASKernelStartup {
    /// The decision for this process, from OpenBLAS's reported core and version, this CPU's flags and
    /// this process's environment.
    public static func currentDecision() -> BLASKernelChoice.Decision {
        let cpuInfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        return BLASKernelChoice.decide(
            coreName: BLAS.coreName, cpuFlags: BLASKernelChoice.cpuFlags(inCPUInfo: cpuInfo),
            openBLASVersion: BLASKernelChoice.version(inConfiguration: BLAS.configuration),
            environment: ProcessInfo.processInfo.environment)
    }

    /// When the decision is to re-execute, replaces this process by the same executable with the same
    /// arguments and ``BLASKernelChoice/childVariables(for:)`` added to its environment; that call does
    /// not return. Otherwise, or when `execv` fails (then the variables are removed again), returns
    /// the decision this process runs under. Prints nothing: the caller prints ``BLASKernelChoice/Decision/note``.
    public static func apply() -> BLASKernelChoice.Decision {
        let decision = currentDecision()
        guard case let .reexecute(from, _) = decision else { return decision }
        let variables = BLASKernelChoice.childVariables(for: decision)
        for (name, value) in variables { setenv(name, value, 1) }
        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", arguments)
        let failure = String(cString: strerror(errno))
        for name in variables.keys { unsetenv(name) }
        arguments.forEach { free($0) }
        return .keep(core: from, reason: "re-executing with better kernels failed: \(failure)")
    }
}
