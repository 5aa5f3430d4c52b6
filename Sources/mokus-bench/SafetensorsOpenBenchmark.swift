import Foundation
import ModelIO
import Tensors

/// Acceptance check for checkpoint loading: "a safetensors file of 2 GB opens in < 50 ms and adds
/// < 20 MB resident memory until tensors are read".
///
/// Writes a 2 GiB file (64 BF16 tensors of 16 Mi elements, streamed from one 64 MiB Float32
/// source tensor, so the writer never holds the file in memory), then measures the median of 5
/// opens (mmap + header parse + validation), the resident set size (VmRSS from /proc/self/status)
/// before and after opening and after converting one tensor to Float32, and deletes the file.
enum SafetensorsOpenBenchmark {
    static let tensorCount = 64
    static let elementsPerTensor = 16 << 20

    /// Runs the benchmark with its file in `directory` and returns the report lines.
    static func run(directory: URL) throws -> [String] {
        let url = directory.appending(path: "mokus-bench-open-\(ProcessInfo.processInfo.processIdentifier).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }

        let writeSeconds = try seconds { try writeFile(to: url) }
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path(percentEncoded: false))
        let fileBytes = attributes[.size] as? Int ?? 0

        let rssBeforeOpen = residentBytes()
        var openTimes: [Double] = []
        var file: SafetensorsFile?
        for _ in 0..<5 {
            openTimes.append(try seconds { file = try SafetensorsFile(url: url) })
        }
        let rssAfterOpen = residentBytes()
        guard let file, let first = file.names.first else { return ["safetensors open: no tensors written"] }
        var tensor: Tensor?
        let readSeconds = try seconds { tensor = try file.tensor(named: first) }
        let rssAfterRead = residentBytes()  // the Float32 copy plus the mapped pages it read
        withExtendedLifetime(tensor) {}

        let medianOpen = openTimes.sorted()[openTimes.count / 2]
        let gigabytesPerSecond = Double(fileBytes) / writeSeconds / 1e9
        return [
            "safetensors open (\(file.names.count) BF16 tensors, \(megabytes(fileBytes)) file):",
            "  write: \(milliseconds(writeSeconds)) (\(String(format: "%.2f", gigabytesPerSecond)) GB/s, "
                + "BF16 conversion and fsync included)",
            "  open: median \(milliseconds(medianOpen)) of 5 (min \(milliseconds(openTimes.min() ?? 0)), "
                + "max \(milliseconds(openTimes.max() ?? 0))); criterion < 50 ms",
            "  RSS: \(megabytes(rssBeforeOpen)) before open, \(megabytes(rssAfterOpen)) after "
                + "(\(signedMegabytes(rssAfterOpen - rssBeforeOpen)); criterion < 20 MB)",
            "  read '\(first)' as Float32 (\(megabytes(elementsPerTensor * 4))): \(milliseconds(readSeconds)), "
                + "RSS \(megabytes(rssAfterRead)) (\(signedMegabytes(rssAfterRead - rssAfterOpen)))",
        ]
    }

    /// Streams the 2 GiB file: every entry references the same source tensor.
    private static func writeFile(to url: URL) throws {
        var random = RandomGenerator(seed: 42)
        let source = random.uniform([elementsPerTensor], low: -1, high: 1)
        let entries = (0..<tensorCount).map {
            SafetensorsEntry("model.layers.\($0).weight", source, storedAs: .bfloat16)
        }
        try SafetensorsWriter.write(entries, to: url, metadata: ["format": "pt"])
    }

    /// VmRSS of this process in bytes (0 where /proc is unavailable).
    private static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes * 1024
    }

    private static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    private static func milliseconds(_ seconds: Double) -> String { String(format: "%.2f ms", seconds * 1000) }
    private static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
    private static func signedMegabytes(_ bytes: Int) -> String { String(format: "%+.1f MB", Double(bytes) / 1e6) }
}
