import Foundation
import KnowledgeEditing
import ModelInterfaces
import Tensors
import TextEncoders
import UltraEdit

/// One UltraEdit edit on a Qwen2.5-VL-7B-text-shaped random **bf16** checkpoint (hparams/UltraEdit/
/// qwenvl2.5-7b.yaml with `model.layers.{N}` names: gate_proj and up_proj of layers 18–26, η = 1e-6),
/// run in a fresh child process so its peak resident memory (VmHWM) is the edit's alone.
enum UltraEdit7BBenchmark {
    /// Qwen2.5-VL-7B's text tower (config.json of the released model's `text_config`, weights
    /// random), as a plain qwen2 model so its parameters are named `model.layers.*`.
    static var qwen2_5_VL_7BText: [String: Any] { [
        "model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"], "hidden_size": 3584, "intermediate_size": 18944,
        "num_hidden_layers": 28, "num_attention_heads": 28, "num_key_value_heads": 4, "vocab_size": 152_064,
        "rms_norm_eps": 1e-6, "rope_theta": 1_000_000.0, "tie_word_embeddings": false, "max_position_embeddings": 128_000,
    ] }
    /// Free disk the section needs: the ~15 GB checkpoint with generous headroom.
    static let requiredFreeBytes: Int64 = 40_000_000_000
    static let request = EditRequest(prompt: "What is the tallest tower in Paris?", targetNew: " sks tower")

    static func run(directory: URL) throws -> [String] {
        let attributes = try FileManager.default.attributesOfFileSystem(forPath: directory.path(percentEncoded: false))
        let free = (attributes[.systemFreeSize] as? NSNumber)?.int64Value ?? 0
        guard free >= requiredFreeBytes else {
            return ["UltraEdit at 7B scale: skipped, \(Measure.megabytes(Int(free))) free in \(directory.path) "
                    + "(needs \(Measure.megabytes(Int(requiredFreeBytes))))"]
        }
        let model = directory.appending(path: "qwen2.5-vl-7b-text-bf16")
        defer { try? FileManager.default.removeItem(at: model) }
        let writeSeconds = try Measure.seconds {
            try RandomCheckpoint.write(
                config: qwen2_5_VL_7BText, to: model, dtype: .bfloat16, seed: 7, shardBytes: 4_000_000_000)
        }
        let fileBytes = try FileManager.default.contentsOfDirectory(at: model, includingPropertiesForKeys: [.fileSizeKey])
            .filter { $0.pathExtension == "safetensors" }
            .reduce(0) { $0 + ((try? $1.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0) }
        var lines = [String(format: "UltraEdit at 7B scale: Qwen2.5-VL-7B-text-shaped random bf16 checkpoint (%@) "
                            + "written in %.1f s; one edit in a fresh process (IDTokenizer, one id per character):",
                            Measure.megabytes(fileBytes), writeSeconds)]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["--ultraedit-peak", model.path(percentEncoded: false)]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        lines += String(decoding: data, as: UTF8.self).split(separator: "\n").map { "  " + $0 }
        if process.terminationStatus != 0 {
            lines.append("  child process exited with status \(process.terminationStatus) "
                         + "(termination reason \(process.terminationReason.rawValue))")
        }
        return lines
    }

    /// The child side of ``run(directory:)``: loads the checkpoint, runs one edit through an
    /// ``EditSession`` and prints the times (edit, edit + load) and VmHWM, line by line as they
    /// become known (so a child that dies midway still reports what it finished).
    static func editPeak(directory: URL) throws {
        let start = DispatchTime.now().uptimeNanoseconds
        let encoder = try TextEncoderLoader.load(directory: directory, tokenizer: TextEncoderBenchmark.IDTokenizer())
        let loadSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var h = try HyperparameterFile(contentsOf: MokusBench.repositoryRoot.appending(path: "hparams/UltraEdit/qwenvl2.5-7b.yaml"))
            .decode(UltraEditHyperparameters.self)
        h.innerParameters = h.innerParameters.map { $0.replacingOccurrences(of: "model.language_model.", with: "model.") }
        let editor = UltraEditEditor(h)
        let session = EditSession(encoder: encoder)
        report(String(format: "load: %.2f s, VmRSS after load %@", loadSeconds, Measure.megabytes(Measure.memory())))
        var result: EditResult?
        let editCPU = Measure.cpuSeconds()
        let editSeconds = try Measure.seconds {
            result = try editor.edit([request], encoder: encoder, state: session.state)
        }
        let tokens = try encoder.tokenize(request.prompt).count + encoder.tokenize(request.targetNew).count
        report(String(format: "edit (UltraEdit deltas, %d tokens, %d modules, loss %.3f): %.2f s (CPU %.2f s); VmHWM so far %@",
                      tokens, h.innerParameters.count, result!.diagnostics.first?.values["loss"] ?? .nan, editSeconds,
                      Measure.cpuSeconds() - editCPU, Measure.megabytes(Measure.memory("VmHWM:"))))
        let applyCPU = Measure.cpuSeconds()
        let applySeconds = try Measure.seconds {
            try session.apply(Computed(result: result!), requests: [request])
        }
        let total = loadSeconds + editSeconds + applySeconds
        report(String(format: "apply the %d deltas to the weights: %.2f s (CPU %.2f s); edit + apply %.2f s, "
                      + "load + edit + apply %.2f s", result!.deltas.count, applySeconds, Measure.cpuSeconds() - applyCPU,
                      editSeconds + applySeconds, total))
        report("peak RSS (VmHWM): \(Measure.megabytes(Measure.memory("VmHWM:")))")
    }

    /// Hands an already computed edit to ``EditSession/apply(_:requests:label:)``, so applying
    /// its deltas is timed apart from computing them.
    private struct Computed: KnowledgeEditor {
        static let algorithmName = UltraEditEditor.algorithmName
        let result: EditResult

        var progress: LabelledProgress? { nil }

        func edit(_ requests: [EditRequest], encoder: any TextEncoder, state: EditState) throws -> EditResult { result }
    }

    private static func report(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))   // unbuffered: survives a killed child
    }
}
