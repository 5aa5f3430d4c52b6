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

        let writeSeconds = try Measure.seconds { try writeFile(to: url) }
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path(percentEncoded: false))
        let fileBytes = attributes[.size] as? Int ?? 0

        let rssBeforeOpen = Measure.memory()
        var openTimes: [Double] = []
        var file: SafetensorsFile?
        for _ in 0..<5 {
            openTimes.append(try Measure.seconds { file = try SafetensorsFile(url: url) })
        }
        let rssAfterOpen = Measure.memory()
        guard let file, let first = file.names.first else { return ["safetensors open: no tensors written"] }
        var tensor: Tensor?
        let readSeconds = try Measure.seconds { tensor = try file.tensor(named: first) }
        let rssAfterRead = Measure.memory()  // the Float32 copy plus the mapped pages it read
        withExtendedLifetime(tensor) {}

        let medianOpen = openTimes.sorted()[openTimes.count / 2]
        let gigabytesPerSecond = Double(fileBytes) / writeSeconds / 1e9
        return [
            "safetensors open (\(file.names.count) BF16 tensors, \(Measure.megabytes(fileBytes)) file):",
            "  write: \(Measure.milliseconds(writeSeconds)) (\(String(format: "%.2f", gigabytesPerSecond)) GB/s, "
                + "BF16 conversion and fsync included)",
            "  open: median \(Measure.milliseconds(medianOpen)) of 5 (min \(Measure.milliseconds(openTimes.min() ?? 0)), "
                + "max \(Measure.milliseconds(openTimes.max() ?? 0))); criterion < 50 ms",
            "  RSS: \(Measure.megabytes(rssBeforeOpen)) before open, \(Measure.megabytes(rssAfterOpen)) after "
                + "(\(Measure.signedMegabytes(rssAfterOpen - rssBeforeOpen)); criterion < 20 MB)",
            "  read '\(first)' as Float32 (\(Measure.megabytes(elementsPerTensor * 4))): \(Measure.milliseconds(readSeconds)), "
                + "RSS \(Measure.megabytes(rssAfterRead)) (\(Measure.signedMegabytes(rssAfterRead - rssAfterOpen)))",
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



}
