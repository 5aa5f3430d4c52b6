import Foundation

/// Timing, memory and formatting helpers shared by the benchmark sections.
enum Measure {
    /// Wall seconds of one call.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Median wall seconds of `repeats` calls, after `warmUp` untimed calls.
    static func medianSeconds(repeats: Int, warmUp: Int = 0, _ body: () throws -> Void) rethrows -> Double {
        for _ in 0..<warmUp { try body() }
        var times: [Double] = []
        for _ in 0..<repeats { times.append(try seconds(body)) }
        return times.sorted()[times.count / 2]
    }

    /// User + system CPU seconds this process has used so far, all threads (getrusage): on a
    /// machine shared with other work, the part of a wall time that was ours.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// VmRSS (`"VmRSS:"`) or peak VmHWM (`"VmHWM:"`) of this process in bytes, from
    /// /proc/self/status (0 where /proc is unavailable).
    static func memory(_ field: String = "VmRSS:") -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
              // "VmHWM:\t 1234 kB", or "VmHWM:\t12345678 kB" from 8 digits on (no space after the tab).
              let kilobytes = Int(line.split(whereSeparator: \.isWhitespace).dropFirst().first ?? "")
        else { return 0 }
        return kilobytes * 1024
    }

    static func milliseconds(_ seconds: Double) -> String { String(format: "%.2f ms", seconds * 1000) }
    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
    static func signedMegabytes(_ bytes: Int) -> String { String(format: "%+.1f MB", Double(bytes) / 1e6) }
}
