import Testing
@testable import Tensors

@Suite("OpenBLAS kernel choice")
struct BLASKernelChoiceTests {
    /// The flags of the issue's Xeon (family 6 model 207): AVX-512 with BF16.
    static let avx512BF16: Set<String> = ["sse3", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd", "avx512_bf16"]
    static let avx2Only: Set<String> = ["sse3", "avx", "avx2", "fma"]
    static let v0321 = [0, 3, 21]

    @Test("a fallback kernel on a better CPU re-executes with the best name OpenBLAS accepts")
    func fallbackReexecutes() {
        #expect(BLASKernelChoice.decide(coreName: "Prescott", cpuFlags: Self.avx512BF16, openBLASVersion: Self.v0321, environment: [:])
                == .reexecute(from: "Prescott", to: "SkylakeX"))
        // 0.3.22 scans its name table up to Cooperlake; 0.3.21 stops at SkylakeX.
        #expect(BLASKernelChoice.decide(coreName: "Prescott", cpuFlags: Self.avx512BF16, openBLASVersion: [0, 3, 22], environment: [:])
                == .reexecute(from: "Prescott", to: "Cooperlake"))
        #expect(BLASKernelChoice.decide(coreName: "Nehalem", cpuFlags: Self.avx2Only, openBLASVersion: Self.v0321, environment: [:])
                == .reexecute(from: "Nehalem", to: "Haswell"))
        // Zen's kernels are AVX2 ones: on an AVX-512 CPU they rank below SkylakeX.
        #expect(BLASKernelChoice.decide(coreName: "Zen", cpuFlags: Self.avx512BF16, openBLASVersion: Self.v0321, environment: [:])
                == .reexecute(from: "Zen", to: "SkylakeX"))
    }

    @Test("the best kernel for the CPU, an unranked name, or a CPU without AVX keeps OpenBLAS's choice")
    func goodChoicesAreKept() {
        for (core, flags) in [("Cooperlake", Self.avx512BF16), ("SkylakeX", Self.avx512BF16), ("Haswell", Self.avx2Only),
                              ("NEOVERSEN1", Self.avx512BF16), ("Prescott", ["sse3"])] {
            let decision = BLASKernelChoice.decide(coreName: core, cpuFlags: flags, openBLASVersion: Self.v0321, environment: [:])
            guard case .keep(core, _) = decision else { Issue.record("\(core): \(decision)"); continue }
        }
        // AVX-512 F without BW/DQ/VL (Knights Landing) is not SkylakeX material.
        #expect(BLASKernelChoice.bestCoreType(cpuFlags: Self.avx2Only.union(["avx512f", "avx512cd"]), openBLASVersion: Self.v0321) == "Haswell")
    }

    @Test("a user-set OPENBLAS_CORETYPE and the opt-out variable are respected")
    func userChoicesAreRespected() {
        let userSet = BLASKernelChoice.decide(coreName: "Prescott", cpuFlags: Self.avx512BF16, openBLASVersion: Self.v0321,
                                              environment: ["OPENBLAS_CORETYPE": "Prescott"])
        #expect(userSet == .keep(core: "Prescott", reason: "OPENBLAS_CORETYPE=Prescott set by the user"))
        let optedOut = BLASKernelChoice.decide(coreName: "Prescott", cpuFlags: Self.avx512BF16, openBLASVersion: Self.v0321,
                                               environment: ["MOKUS_NO_CORETYPE_FIX": "1"])
        #expect(optedOut == .keep(core: "Prescott", reason: "MOKUS_NO_CORETYPE_FIX=1"))
        #expect(userSet.note == nil && optedOut.note == nil)
    }

    @Test("the re-executed process never re-executes again, even when the core type did not take")
    func guardStopsLoops() {
        let first = BLASKernelChoice.decide(coreName: "Prescott", cpuFlags: Self.avx512BF16, openBLASVersion: Self.v0321, environment: ["HOME": "/root"])
        let child = BLASKernelChoice.childVariables(for: first)
        #expect(child == ["OPENBLAS_CORETYPE": "SkylakeX", "MOKUS_OPENBLAS_REEXECUTED_FROM": "Prescott"])
        let environment = child.merging(["HOME": "/root"]) { a, _ in a }
        // The library honoured the variable, or refused it and fell back again: either way, no second exec.
        for now in ["SkylakeX", "Prescott"] {
            let second = BLASKernelChoice.decide(coreName: now, cpuFlags: Self.avx512BF16, openBLASVersion: Self.v0321, environment: environment)
            #expect(second == .reexecuted(from: "Prescott", now: now))
            #expect(BLASKernelChoice.childVariables(for: second).isEmpty)
        }
        #expect(BLASKernelChoice.decide(coreName: "SkylakeX", cpuFlags: [], openBLASVersion: nil, environment: environment).note?
            .hasPrefix("OpenBLAS chose its Prescott kernels on a CPU that runs SkylakeX") == true)
    }

    @Test("the version and the CPU flags are read from OpenBLAS's configuration and /proc/cpuinfo")
    func parsing() {
        #expect(BLASKernelChoice.version(inConfiguration: "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64") == [0, 3, 21])
        #expect(BLASKernelChoice.version(inConfiguration: "OpenBLAS 0.3.30.dev DYNAMIC_ARCH") == [0, 3, 30])
        #expect(BLASKernelChoice.version(inConfiguration: "something else") == nil)
        let cpuInfo = "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu sse3 avx2 fma avx512f\n\nprocessor\t: 1\nflags\t\t: fpu\n"
        #expect(BLASKernelChoice.cpuFlags(inCPUInfo: cpuInfo) == ["fpu", "sse3", "avx2", "fma", "avx512f"])
        #expect(BLASKernelChoice.cpuFlags(inCPUInfo: "").isEmpty)
    }
}
