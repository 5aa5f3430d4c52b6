import Foundation
import Tensors

/// `mokus-bench`: measures our kernels and prints each beside the same operation in numpy, run
/// from the same command, as a ratio (ours/numpy throughput; > 1 means faster than numpy).
///
/// Usage: `swift run -c release mokus-bench [--quick] [--no-reference]`
@main
struct MokusBench {
    static func main() {
        let arguments = Set(CommandLine.arguments.dropFirst())
        let unknown = arguments.subtracting(["--quick", "--no-reference"])
        guard unknown.isEmpty else {
            FileHandle.standardError.write(Data("mokus-bench: unknown option(s) \(unknown.sorted()); use --quick, --no-reference\n".utf8))
            exit(2)
        }
        let quick = arguments.contains("--quick")
        let cases = TensorBenchmarks.cases(quick: quick)
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; OpenBLAS \(BLAS.coreName) kernels, \(BLAS.threadCount) threads")
        let environment = ProcessInfo.processInfo.environment
        print("OPENBLAS_CORETYPE=\(environment["OPENBLAS_CORETYPE"] ?? "(unset)")")
        var ours: [String: Double] = [:]
        for c in cases {
            let seconds = c.measure()
            ours[c.name] = seconds
            FileHandle.standardError.write(Data("measured \(c.name): \(String(format: "%.4f", seconds)) s\n".utf8))
        }
        let reference = arguments.contains("--no-reference") ? nil : NumpyReference.run(cases)
        if let reference { print("reference: \(reference.description)") } else { print("reference: none (python3 with numpy not found, or --no-reference)") }
        print("")
        print("| operation | ours | ours rate | numpy | numpy rate | ratio (numpy time / ours) |")
        print("|---|---|---|---|---|---|")
        for c in cases {
            let mine = ours[c.name]!
            let theirs = reference?.seconds[c.name]
            let ratio = theirs.map { String(format: "%.2f×", $0 / mine) } ?? "–"
            let theirsText = theirs.map { milliseconds($0) } ?? "–"
            let theirsRate = theirs.map { c.work.rate(seconds: $0) } ?? "–"
            print("| \(c.name) | \(milliseconds(mine)) | \(c.work.rate(seconds: mine)) | \(theirsText) | \(theirsRate) | \(ratio) |")
        }
    }

    static func milliseconds(_ seconds: Double) -> String { String(format: "%.2f ms", seconds * 1000) }
}
