/// Whether OpenBLAS's kernel choice suits this CPU, and what to do when it does not.
///
/// OpenBLAS's dynamic-arch builds pick a kernel family ("core type") from the CPU's cpuid family and
/// model when the library loads. Builds older than the CPU misdetect it: Debian 12's OpenBLAS 0.3.21
/// maps an unknown Intel family-6 model to its **Prescott** (SSE3) kernels (in
/// `driver/others/dynamic.c`, `get_coretype()` falls through from the unmatched `exmodel` into the
/// family-0xf case), 5–7× slower than the AVX-512 ones on the same CPU. Setting `OPENBLAS_CORETYPE`
/// before the library loads overrides the detection; ``decide(coreName:cpuFlags:openBLASVersion:environment:)``
/// says when to do that, and ``BLASKernelStartup`` does it by re-executing the process once.
///
/// The decision ranks core types by the widest vector unit their kernels use (SSE < AVX < AVX2+FMA <
/// AVX-512) and asks for the best one the CPU supports when OpenBLAS chose a lower rank. Core types
/// it does not know (other architectures, names newer than it) are left alone.
public enum BLASKernelChoice {
    /// OpenBLAS's override variable, read once when the library loads.
    public static let coreTypeVariable = "OPENBLAS_CORETYPE"
    /// Set to `1` to keep whatever OpenBLAS chose (the escape hatch).
    public static let optOutVariable = "MOKUS_NO_CORETYPE_FIX"
    /// Set in the re-executed process to the core type OpenBLAS had chosen: its presence stops any
    /// further re-execution, so a core type the library still refuses cannot cause a loop.
    public static let guardVariable = "MOKUS_OPENBLAS_REEXECUTED_FROM"

    /// What to do about the kernels of this process.
    public enum Decision: Equatable, Sendable {
        /// Keep OpenBLAS's choice, for the reason given (a short phrase).
        case keep(core: String, reason: String)
        /// Re-execute with `OPENBLAS_CORETYPE` set to `to`: OpenBLAS chose `from` on a CPU that runs `to`.
        case reexecute(from: String, to: String)
        /// This process is the re-executed one: OpenBLAS had chosen `from`, now runs `now`.
        case reexecuted(from: String, now: String)

        /// The kernel and the decision in a few words, for `mokus info --system` and benchmark headers.
        public var summary: String {
            switch self {
            case let .keep(core, reason): "\(core) (\(reason))"
            case let .reexecute(from, to): "\(from) (below this CPU's \(to); re-executing)"
            case let .reexecuted(from, now): "\(now) (OpenBLAS chose \(from); set \(BLASKernelChoice.coreTypeVariable)=\(now) and re-executed)"
            }
        }

        /// The one line a tool prints on stderr when it changed the kernels; nil when it did not.
        public var note: String? {
            guard case let .reexecuted(from, now) = self else { return nil }
            return "OpenBLAS chose its \(from) kernels on a CPU that runs \(now); re-ran with "
                + "\(BLASKernelChoice.coreTypeVariable)=\(now) (\(BLASKernelChoice.optOutVariable)=1 keeps OpenBLAS's choice)"
        }
    }

    /// The decision for a process whose OpenBLAS reports `coreName`, on a CPU with the Linux
    /// `/proc/cpuinfo` flags `cpuFlags`, for OpenBLAS `openBLASVersion` (major, minor, patch; nil when
    /// unknown), with `environment` the process's variables.
    ///
    /// Order: the re-execution guard, then the opt-out, then a user-set `OPENBLAS_CORETYPE`, then
    /// the ranking. Pure: no I/O.
    public static func decide(
        coreName: String, cpuFlags: Set<String>, openBLASVersion: [Int]?, environment: [String: String]
    ) -> Decision {
        if let from = environment[guardVariable] { return .reexecuted(from: from, now: coreName) }
        if environment[optOutVariable] == "1" { return .keep(core: coreName, reason: "\(optOutVariable)=1") }
        if let set = environment[coreTypeVariable] { return .keep(core: coreName, reason: "\(coreTypeVariable)=\(set) set by the user") }
        guard let current = rank(ofCore: coreName) else { return .keep(core: coreName, reason: "a core type this check does not rank") }
        guard let best = bestCoreType(cpuFlags: cpuFlags, openBLASVersion: openBLASVersion), let bestRank = rank(ofCore: best),
              bestRank > current
        else { return .keep(core: coreName, reason: "the best this CPU supports") }
        return .reexecute(from: coreName, to: best)
    }

    /// The variables to add for the re-executed process of `decision` (empty unless it re-executes).
    public static func childVariables(for decision: Decision) -> [String: String] {
        guard case let .reexecute(from, to) = decision else { return [:] }
        return [coreTypeVariable: to, guardVariable: from]
    }

    /// The best core type `OPENBLAS_CORETYPE` can name for a CPU with `cpuFlags`: SkylakeX with
    /// AVX-512 F/BW/DQ/VL/CD (Cooperlake when the CPU also has AVX-512 BF16 and OpenBLAS is at least
    /// 0.3.22: 0.3.21's `force_coretype` scans its name table only up to SkylakeX), Haswell with AVX2
    /// and FMA, Sandybridge with AVX; nil below that.
    public static func bestCoreType(cpuFlags: Set<String>, openBLASVersion: [Int]?) -> String? {
        if cpuFlags.isSuperset(of: ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"]) {
            let knowsCooperlake = !(openBLASVersion ?? []).lexicographicallyPrecedes([0, 3, 22])
            return cpuFlags.contains("avx512_bf16") && knowsCooperlake ? "Cooperlake" : "SkylakeX"
        }
        if cpuFlags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        if cpuFlags.contains("avx") { return "Sandybridge" }
        return nil
    }

    /// The rank of an x86-64 core type's kernels by vector width (0 SSE, 1 AVX, 2 AVX2+FMA,
    /// 3 AVX-512), from the names in OpenBLAS's `corename[]` table; nil for names it does not list.
    static func rank(ofCore name: String) -> Int? {
        let ranks: [String: Int] = [
            "SkylakeX": 3, "Cooperlake": 3, "SapphireRapids": 3,
            "Haswell": 2, "Zen": 2,
            "Sandybridge": 1, "Bulldozer": 1, "Piledriver": 1, "Steamroller": 1, "Excavator": 1,
            "Unknown": 0, "Katmai": 0, "Coppermine": 0, "Northwood": 0, "Prescott": 0, "Banias": 0, "Atom": 0,
            "Core2": 0, "Penryn": 0, "Dunnington": 0, "Nehalem": 0, "Athlon": 0, "Opteron": 0, "Opteron_SSE3": 0,
            "Barcelona": 0, "Nano": 0, "Bobcat": 0,
        ]
        return ranks.first { $0.key.lowercased() == name.lowercased() }?.value
    }

    /// The version in an `openblas_get_config()` string ("OpenBLAS 0.3.21 DYNAMIC_ARCH …" → [0, 3, 21];
    /// numeric components only: "0.3.30.dev" → [0, 3, 30]).
    public static func version(inConfiguration configuration: String) -> [Int]? {
        let words = configuration.split(separator: " ")
        guard words.count > 1, words[0] == "OpenBLAS" else { return nil }
        let numbers = words[1].split(separator: ".").map { Int($0) }.prefix { $0 != nil }.compactMap { $0 }
        return numbers.count >= 2 ? Array(numbers) : nil
    }

    /// The CPU feature flags of the first processor in a `/proc/cpuinfo` text (empty when absent).
    ///
    /// The Linux kernel clears flags whose register state the OS does not save (XSAVE), so these are
    /// the features a program can use, the same test OpenBLAS's `support_avx512()` makes with `xgetbv`.
    public static func cpuFlags(inCPUInfo text: String) -> Set<String> {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":")
        else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }
}
