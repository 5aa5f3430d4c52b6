import Foundation
import Tensors

/// `mokus-bench`: measures our kernels, checkpoint I/O, tokenizer and text encoders, each beside
/// the same operation in a reference implementation (numpy, tiktoken, transformers) run from the
/// same command when it is installed, as a ratio.
///
/// Usage: `swift run -c release mokus-bench [--quick] [--no-reference] [--world-pipeline DIR] [--only SECTION,...]`
/// with sections `tensors`, `safetensors`, `tokenizer`, `text-encoder`, `editing`, `lifelong`, `ultraedit-7b`,
/// `generator`, `world-generator`, `training`, `generator-training`, `evaluator`
/// (default: all; `--quick` runs smaller tensor cases only; `--world-pipeline` is the world generator's
/// pipeline folder, default the bundled world's).
@main
struct MokusBench {
    static let sections = [
        "tensors", "safetensors", "tokenizer", "text-encoder", "editing", "lifelong", "ultraedit-7b", "generator",
        "world-generator", "training", "generator-training", "evaluator",
    ]
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func main() {
        let kernels = BLASKernelStartup.apply()
        if let note = kernels.note { FileHandle.standardError.write(Data("mokus-bench: \(note)\n".utf8)) }
        do {
            try run(Array(CommandLine.arguments.dropFirst()))
        } catch {
            FileHandle.standardError.write(Data("mokus-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ arguments: [String]) throws {
        if arguments.first == "--forward-peak", arguments.count == 2 {
            try TextEncoderBenchmark.forwardPeak(directory: URL(fileURLWithPath: arguments[1]))
            return
        }
        if arguments.first == "--ultraedit-peak", arguments.count == 2 {
            try UltraEdit7BBenchmark.editPeak(directory: URL(fileURLWithPath: arguments[1]))
            return
        }
        var quick = false, reference = true, selected = sections
        var worldPipeline: URL?
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--quick": quick = true; selected = ["tensors"]
            case "--no-reference": reference = false
            case "--world-pipeline":
                guard let path = remaining.popFirst() else { throw usage("--world-pipeline needs a folder") }
                worldPipeline = URL(fileURLWithPath: path, isDirectory: true)
            case "--only":
                guard let list = remaining.popFirst() else { throw usage("--only needs a section list") }
                selected = list.split(separator: ",").map(String.init)
                if let unknown = selected.first(where: { !sections.contains($0) }) {
                    throw usage("unknown section \(unknown)")
                }
            default: throw usage("unknown option \(argument)")
            }
        }
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; OpenBLAS kernels \(BLASKernelStartup.currentDecision().summary), "
              + "\(BLAS.threadCount) threads")
        let scratch = FileManager.default.temporaryDirectory
        if selected.contains("tensors") { tensorSection(quick: quick, reference: reference) }
        if selected.contains("safetensors") { try printSection(SafetensorsOpenBenchmark.run(directory: scratch)) }
        if selected.contains("tokenizer") { try tokenizerSection(reference: reference) }
        if selected.contains("text-encoder") {
            try printSection(TextEncoderBenchmark.run(directory: scratch, torchReference: reference))
        }
        if selected.contains("editing") {
            // The FLOP floor uses this machine's GEMM rate, measured at the editing shapes' scale.
            let gemm = TensorBenchmarks.gemm(sizes: [1024])[0]
            try printSection(EditingBenchmark.run(directory: scratch, gemmRate: 2 * pow(1024, 3) / gemm.measure()))
        }
        if selected.contains("lifelong") { try printSection(LifelongBenchmark.run()) }
        if selected.contains("ultraedit-7b") { try printSection(UltraEdit7BBenchmark.run(directory: scratch)) }
        if selected.contains("generator") {
            try printSection(GeneratorBenchmark.run(directory: scratch, torchReference: reference))
        }
        if selected.contains("world-generator") {
            try printSection(WorldGeneratorBenchmark.run(pipeline: worldPipeline, directory: scratch, torchReference: reference))
        }
        if selected.contains("training") { try printSection(TrainingBenchmark.run(directory: scratch, torchReference: reference)) }
        if selected.contains("generator-training") {
            try printSection(GeneratorTrainingBenchmark.run(directory: scratch, torchReference: reference))
        }
        if selected.contains("evaluator") {
            let gemm = TensorBenchmarks.gemm(sizes: [1024])[0]
            try printSection(EvaluatorBenchmark.run(gemmRate: 2 * pow(1024, 3) / gemm.measure()))
        }
    }

    struct UsageError: Error, CustomStringConvertible { let description: String }

    static func usage(_ problem: String) -> UsageError {
        UsageError(description: "\(problem)\nusage: mokus-bench [--quick] [--no-reference] [--world-pipeline DIR] [--only \(sections.joined(separator: ","))]")
    }

    static func printSection(_ lines: [String]) {
        print("")
        lines.forEach { print($0) }
    }

    /// GEMM, attention, row kernels: a markdown table with numpy's times and the ratio.
    static func tensorSection(quick: Bool, reference: Bool) {
        let cases = TensorBenchmarks.cases(quick: quick)
        var ours: [String: Double] = [:]
        for c in cases { ours[c.name] = c.measure() }
        let numpy = reference ? NumpyReference.run(cases) : nil
        print("\nreference: \(numpy.map(\.description) ?? "none (python3 with numpy not found, or --no-reference)")")
        print("| operation | ours | ours rate | numpy | numpy rate | ratio (numpy time / ours) |")
        print("|---|---|---|---|---|---|")
        for c in cases {
            let mine = ours[c.name]!
            let theirs = numpy?.seconds[c.name]
            print("| \(c.name) | \(Measure.milliseconds(mine)) | \(c.work.rate(seconds: mine)) | "
                  + "\(theirs.map(Measure.milliseconds) ?? "–") | \(theirs.map { c.work.rate(seconds: $0) } ?? "–") | "
                  + "\(theirs.map { String(format: "%.2f×", $0 / mine) } ?? "–") |")
        }
    }

    /// Our BPE on the Qwen vocabulary and the committed parity corpus, beside tiktoken.
    static func tokenizerSection(reference: Bool) throws {
        let fixtures = repositoryRoot.appending(path: "Tests/TokenizersTests/Fixtures")
        let tokenizer = fixtures.appending(path: "qwen_tokenizer.json")
        let corpus = try String(contentsOf: fixtures.appending(path: "qwen_corpus.jsonl"), encoding: .utf8)
            .split(separator: "\n").compactMap { line -> String? in
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])
                return (object as? String) ?? ((object as? [String: Any])?["text"] as? String)
            }
        var lines = try TokenizerBenchmark.run(tokenizerJSON: tokenizer, corpus: corpus)
        let input: [String: Any] = ["tokenizer": tokenizer.path(percentEncoded: false), "corpus": corpus, "repeats": TokenizerBenchmark.repeats]
        if reference, PythonReference.canImport(["tiktoken"]),
           let data = try? JSONSerialization.data(withJSONObject: input),
           let output = PythonReference.run(["python3", "-c", TokenizerBenchmark.tiktokenReferenceScript], stdin: data),
           let object = try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any],
           let rate = object["tokens_per_second"] as? Double {
            lines.append(String(format: "  %@, same corpus, same command: %.2f M tokens/s", object["detail"] as? String ?? "tiktoken", rate / 1e6))
        } else {
            lines.append("  tiktoken reference: not run (python3 with tiktoken not importable, or --no-reference)")
        }
        printSection(lines)
    }
}
