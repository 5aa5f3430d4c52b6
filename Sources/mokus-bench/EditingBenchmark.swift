import Foundation
import KnowledgeEditing
import MEMIT
import ROME
import Tensors
import TextEncoders

/// Editing rows: one ROME edit and one 8-request MEMIT edit on a Qwen2.5-0.5B-shaped random f32
/// model, with the FLOP floor of the passes they run (matrix products only, at the measured GEMM
/// rate) and the ratio of the wall time to it.
///
/// Templates are fixed (21 for ROME as EasyEdit samples, 6 for MEMIT), so every run does the
/// same work. MEMIT's layer statistics are not part of the timing: C = I is used (the solve costs
/// the same for any C).
enum EditingBenchmark {
    /// The benchmark's tokenizer is one token per character, so prompts and templates are short
    /// (about the token counts of EasyEdit's sampled templates under a real BPE: 5–10 tokens).
    static let templates = ["{}"] + (0..<20).map { "It is \($0). {}" }

    static func run(directory: URL, gemmRate: Double) throws -> [String] {
        let model = directory.appending(path: "qwen2.5-0.5b-editing")
        defer { try? FileManager.default.removeItem(at: model) }
        try RandomCheckpoint.write(config: TextEncoderBenchmark.qwen2_5_0_5B, to: model, dtype: .float32, seed: 3)
        let encoder = try TextEncoderLoader.load(directory: model, tokenizer: TextEncoderBenchmark.IDTokenizer())
        let requests = (0..<8).map { i in
            EditRequest(prompt: "Ann\(i) is in", targetNew: "Rome\(i)", subject: "Ann\(i)")
        }
        let repository = MokusBench.repositoryRoot
        var rome = try HyperparameterFile(contentsOf: repository.appending(path: "hparams/ROME/qwen2.5-7b.yaml")).decode(ROMEHyperparameters.self)
        rome.valueLossLayer = encoder.info.layerCount - 1
        rome.contextTemplates = templates
        var memit = try HyperparameterFile(contentsOf: repository.appending(path: "hparams/MEMIT/qwen2.5-7b.yaml")).decode(MEMITHyperparameters.self)
        memit.valueLossLayer = encoder.info.layerCount - 1
        memit.contextTemplates = Array(templates.prefix(6))
        let identity = Tensor(shape: [4864, 4864], initializingWith: { b in
            b.update(repeating: 0); for i in 0..<4864 { b[i * 4864 + i] = 1 }
        })

        var lines = ["editing, Qwen2.5-0.5B-shaped random f32 model (EasyEdit qwen2.5-7b hparams, v_loss_layer = 23, fixed templates):"]
        let state = EditState(modelFingerprint: encoder.fingerprint)
        var romeResult: EditResult?
        let romeSeconds = try Measure.seconds {
            romeResult = try ROMEEditor(rome).edit([requests[0]], encoder: encoder, state: state)
        }
        let romeFlops = try floor(encoder, prompts: [requests[0]], templates: rome.contextTemplates!, layers: rome.layers,
                                  steps: romeResult!.diagnostics[0].losses.count, keyLayers: rome.layers)
        lines.append(row("ROME, 1 request, layer \(rome.layers)", seconds: romeSeconds, flops: romeFlops, rate: gemmRate,
                         steps: romeResult!.diagnostics[0].losses.count))
        var memitResult: EditResult?
        let memitSeconds = try Measure.seconds {
            memitResult = try MEMITEditor(memit, secondMoment: { _ in identity }).edit(requests, encoder: encoder, state: state)
        }
        let steps = memitResult!.diagnostics.map(\.losses.count).reduce(0, +)
        let passes = try floor(encoder, prompts: requests, templates: memit.contextTemplates!, layers: [memit.layers.max()!],
                               steps: steps / requests.count, keyLayers: memit.layers)
        let width = 4864.0
        let solvePerLayer: Double = width * width * width / 3 + 2 * width * width * 8   // Cholesky + two triangular solves
        let memitFlops = passes + Double(memit.layers.count) * solvePerLayer
        lines.append(row("MEMIT, 8 requests, layers \(memit.layers)", seconds: memitSeconds, flops: memitFlops, rate: gemmRate,
                         steps: steps))
        return lines
    }

    /// Matrix-product flops of the passes an edit runs: keys (forward up to each key layer over
    /// every template), the target optimisation (`steps` forward passes from `layers.max()` and as
    /// many backward passes, over templates + the KL prompt, the LM head only on the scored rows),
    /// per prompt.
    static func floor(_ encoder: TransformerTextEncoder, prompts: [EditRequest], templates: [String], layers: [Int],
                      steps: Int, keyLayers: [Int]) throws -> Double {
        let perLayer = Double(encoder.parameters.filter { $0.name.hasPrefix("model.layers.0.") && $0.shape.count == 2 }
            .reduce(0) { $0 + $1.shape.reduce(1, *) })
        let head = Double(encoder.info.vocabularySize * encoder.info.hiddenSize)
        var total = 0.0
        for request in prompts {
            let prompt = try SubjectPrompt(request, index: 0, encoder: encoder)
            let lengths = try templates.map { try prompt.tokens(in: $0, encoder: encoder).ids.count + prompt.targetIDs.count - 1 }
            let tokens = Double((lengths.max() ?? 0) * (templates.count + 1))   // padded batch
            for layer in keyLayers { total += 2 * tokens * Double(layer + 1) * perLayer }
            let blocks = Double(encoder.info.layerCount - layers.max()!) * perLayer
            let scored = Double(templates.count * prompt.targetIDs.count + 1)
            total += Double(steps) * 2 * (tokens * blocks + scored * head) * 2   // forward + backward (∂x only)
        }
        return total
    }

    private static func row(_ label: String, seconds: Double, flops: Double, rate: Double, steps: Int) -> String {
        let floorSeconds = flops / rate
        return String(format: "  %@: %.2f s (%d optimisation steps); FLOP floor %.1f GFLOP = %.2f s at %.0f GFLOP/s → %.2f× the floor",
                      label, seconds, steps, flops / 1e9, floorSeconds, rate / 1e9, seconds / floorSeconds)
    }
}
