import ArgumentParser
import CUDA
import Foundation

/// `mokus-cuda`: the CUDA backend's own checks on a GPU machine — what was found (`info`), every
/// kernel against the CPU backend and the standard timings (`check`). A small executable so a
/// statically linked build can be carried to a machine without a Swift toolchain (docs/cuda.md).
@main
struct MokusCUDA: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mokus-cuda",
        abstract: "Check the CUDA backend on this machine's GPU against the CPU backend.",
        subcommands: [Info.self, Check.self])

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Report the GPU, the driver and the CUDA libraries found, or why there are none.")

        func run() throws {
            print("cuda: \(CUDARuntime.availability())")
            let device = try CUDADevice()
            for (name, path) in device.libraries.sorted(by: { $0.key < $1.key }) { print("\(name): \(path)") }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run every GPU kernel against the CPU op it mirrors; with --model, a text encoder's forward pass on the GPU "
                + "against the CPU; with --timing, also the GEMM, attention and row-kernel timings (and a Qwen2.5-7B-shaped layer with --model).")

        @Flag(help: "Also time the standard cases (GEMMs, attention, RMSNorm, softmax, SiLU at real-model shapes).")
        var timing = false

        @Option(name: .customLong("model"), help: ArgumentHelp(
            "A text-encoder checkpoint directory whose forward pass to check on the GPU through Tensor's CUDA backend (repeatable).",
            valueName: "dir"))
        var models: [String] = []

        @Option(help: ArgumentHelp("Folder for the 7B-shaped layer's random checkpoint (about 0.5 GB).", valueName: "dir"))
        var scratch = NSTemporaryDirectory()

        func run() throws {
            let device = try CUDADevice()
            print("device: \(device.properties)")
            let start = ContinuousClock.now
            let results = try ParitySuite.run(on: device)
            results.forEach { print($0) }
            var failed = results.filter { !$0.passed }.count
            print("parity: \(results.count - failed)/\(results.count) within tolerance (\(ContinuousClock.now - start), kernel compilation included)")
            let backend = CUDABackend(device: device)
            for model in models {
                let (line, passed) = try ForwardCheck.parity(directory: URL(fileURLWithPath: model), backend: backend)
                print(line)
                if !passed { failed += 1 }
            }
            if timing {
                try Timing.standard(on: device).forEach { print($0) }
                if let first = models.first {
                    try ForwardCheck.layerTiming(tokenizerDirectory: URL(fileURLWithPath: first),
                                                 scratch: URL(fileURLWithPath: scratch), backend: backend).forEach { print($0) }
                }
                let stats = device.allocator.statistics
                print("allocator: peak \(stats.peakBytesInUse >> 20) MiB in use, \(stats.bytesCached >> 20) MiB cached, "
                    + "\(stats.cacheHits) cache hits, \(stats.driverAllocations) cuMemAlloc calls")
            }
            if failed > 0 { throw ExitCode(1) }
        }
    }
}
