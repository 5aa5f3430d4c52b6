import CUDA
import Foundation
import Tensors

/// What `mokus info --system` reports: cores, the OpenBLAS build, the kernels it runs and why
/// (``BLASKernelChoice``), the CPU features that decision read, and the CUDA GPUs (or why none
/// can be used: the library or call that failed).
enum SystemInfo {
    /// The vector-unit flags the kernel decision looks at, in the order they are listed.
    static let vectorFlags = ["avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd", "avx512_bf16"]

    /// (name, value) rows in display order; the names double as JSON keys.
    static func rows() -> [(String, String)] {
        let cpuInfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let flags = BLASKernelChoice.cpuFlags(inCPUInfo: cpuInfo)
        let version = BLASKernelChoice.version(inConfiguration: BLAS.configuration)
        let environment = ProcessInfo.processInfo.environment
        return [
            ("cores", "\(ProcessInfo.processInfo.activeProcessorCount)"),
            ("openblas_config", BLAS.configuration),
            ("openblas_threads", "\(BLAS.threadCount)"),
            ("openblas_kernels", BLASKernelStartup.currentDecision().summary),
            ("best_core_type", BLASKernelChoice.bestCoreType(cpuFlags: flags, openBLASVersion: version) ?? "none known"),
            ("cpu_vector_flags", vectorFlags.filter(flags.contains).joined(separator: " ")),
            (BLASKernelChoice.coreTypeVariable, environment[BLASKernelChoice.coreTypeVariable] ?? "(unset)"),
            (BLASKernelChoice.optOutVariable, environment[BLASKernelChoice.optOutVariable] ?? "(unset)"),
            ("cuda", CUDARuntime.availability()),
        ]
    }
}
