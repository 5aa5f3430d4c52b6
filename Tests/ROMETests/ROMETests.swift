import Foundation
import KnowledgeEditing
import ModelInterfaces
@testable import ROME
import Tensors
import Testing
import TextEncoders

/// ROME on the committed tiny fixtures (random-weight Qwen2 and GPT-2 from transformers).
@Suite("ROME")
struct ROMETests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "TextEncodersTests/Fixtures")

    struct Case: Sendable, CustomStringConvertible {
        let model: String, rewrite: String, mlp: String, layer: Int, lastLayer: Int
        var description: String { model }
    }

    static let cases = [
        Case(model: "qwen2", rewrite: "model.layers.{}.mlp.down_proj", mlp: "model.layers.{}.mlp", layer: 0, lastLayer: 1),
        Case(model: "gpt2", rewrite: "transformer.h.{}.mlp.c_proj", mlp: "transformer.h.{}.mlp", layer: 0, lastLayer: 1),
        Case(model: "llama", rewrite: "model.layers.{}.mlp.down_proj", mlp: "model.layers.{}.mlp", layer: 0, lastLayer: 2),
    ]

    static let repository = fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// hparams/ROME/tiny-qwen2.yaml, adapted to the case's model.
    static func hyperparameters(_ c: Case, layers: [Int]? = nil, steps: Int = 25) throws -> ROMEHyperparameters {
        var h = try HyperparameterFile(contentsOf: repository.appending(path: "hparams/ROME/tiny-qwen2.yaml"))
            .decode(ROMEHyperparameters.self)
        h.layers = layers ?? [c.layer]
        h.rewriteModule = ModuleTemplate(key: "rewrite_module_tmp", pattern: c.rewrite)
        h.mlpModule = ModuleTemplate(key: "mlp_module_tmp", pattern: c.mlp)
        h.layerModule = ModuleTemplate(key: "layer_module_tmp", pattern: String(c.mlp.dropLast(".mlp".count)))
        if c.model == "gpt2" { h.finalNormModule = ModuleTemplate(key: "ln_f_module", pattern: "transformer.ln_f") }
        h.valueLossLayer = c.lastLayer
        h.valueStepCount = steps
        h.contextTemplates = ["{}", "The. {}", "Therefore, {}", "I think that {}"]
        return h
    }

    static let request = EditRequest(prompt: "The red apple is on the", targetNew: "table", subject: "The red apple")

    func editor(_ c: Case, steps: Int = 25) throws -> ROMEEditor {
        ROMEEditor(try Self.hyperparameters(c, steps: steps))
    }

    func load(_ c: Case) throws -> TransformerTextEncoder {
        try TextEncoderLoader.load(directory: Self.fixtures.appending(path: c.model))
    }

    @Test("the edited weight maps k₀ exactly to v*", arguments: cases)
    func rankOneInvariant(c: Case) throws {
        let encoder = try load(c)
        let result = try editor(c).edit([Self.request], encoder: encoder, state: EditState(modelFingerprint: "test"))
        #expect(encoder.replacedParameters.isEmpty, "the editor restores the encoder")
        let delta = try #require(result.deltas.first)
        try encoder.addToParameter(delta.parameter, delta.dense)
        let module = c.rewrite.replacingOccurrences(of: "{}", with: "\(c.layer)")
        let prompt = try SubjectPrompt(Self.request, index: 0, encoder: encoder)
        let (ids, end) = try prompt.tokens(in: "{}", encoder: encoder)
        var hooks = ForwardHooks()
        hooks.capture(module, .output, at: [end])
        let output = try encoder.forward(TokenBatch([ids]), hooks: hooks).captures[ModulePoint(module, .output)]!.scalars
        let target = try #require(result.diagnostics[0].vectors["layer\(c.layer).target"])
        let error = zip(output, target).map { abs($0 - $1) }.max()!
        let scale = target.map(abs).max()!
        #expect(error / scale <= 1e-4, "relative error \(error / scale)")
        if case .lowRank(let left, let right) = delta.value {
            #expect(left.shape[1] == 1 && right.shape[0] == 1, "rank one")
        } else {
            Issue.record("ROME's update should be stored low-rank")
        }
    }

    /// On the random GPT-2 and Llama fixtures the optimisation reaches the clamp (‖δ‖ = 4·‖v₀‖)
    /// before the target becomes the argmax — a property of those random weights, not of the
    /// update: the invariant above holds on all three, efficacy is checked on Qwen2. (Editing a
    /// model's last layer cannot work at all: after the last block nothing carries the subject
    /// token's state to later positions.)
    @Test("after the edit the target is the greedy continuation", arguments: cases.filter { $0.model == "qwen2" })
    func efficacy(c: Case) throws {
        let encoder = try load(c)
        let prompt = try encoder.tokenize(Self.request.prompt)
        let target = try encoder.tokenize(" " + Self.request.targetNew)
        func predicted() throws -> [Int] {
            let ids = prompt + target.dropLast()
            let logits = try encoder.forward(TokenBatch([ids])).logits
            return logits.reshaped([ids.count, -1]).argmax(axis: 1).suffix(target.count).map { $0 }
        }
        #expect(try predicted() != target, "the random model does not already answer the target")
        let result = try editor(c).edit([Self.request], encoder: encoder, state: EditState(modelFingerprint: "test"))
        for delta in result.deltas { try encoder.addToParameter(delta.parameter, delta.dense) }
        #expect(try predicted() == target, "losses \(result.diagnostics[0].losses), values \(result.diagnostics[0].values)")
        #expect(result.diagnostics[0].losses.last! < result.diagnostics[0].losses.first!)
    }

    @Test("bad requests fail before any weight changes")
    func badRequests() throws {
        let c = Self.cases[0]
        let encoder = try load(c)
        let rome = try editor(c)
        let state = EditState(modelFingerprint: "test")
        #expect(throws: EditRequestError.subjectNotInPrompt(request: 0, subject: "pear", prompt: Self.request.prompt)) {
            try rome.edit([EditRequest(prompt: Self.request.prompt, targetNew: "x", subject: "pear")], encoder: encoder, state: state)
        }
        #expect(throws: EditRequestError.emptyTarget(request: 0)) {
            try rome.edit([EditRequest(prompt: Self.request.prompt, targetNew: " ", subject: "The red apple")], encoder: encoder, state: state)
        }
        #expect(throws: EditRequestError.tooManyRequests(algorithm: "ROME", count: 2, maximum: 1)) {
            try rome.edit([Self.request, Self.request], encoder: encoder, state: state)
        }
        let wrongLayer = ROMEEditor(try Self.hyperparameters(c, layers: [7], steps: 2))
        #expect(throws: HyperparameterError.self) { try wrongLayer.edit([Self.request], encoder: encoder, state: state) }
        var wrongLossLayer = try Self.hyperparameters(c, steps: 2)
        wrongLossLayer.valueLossLayer = 0
        #expect(throws: EditRequestError.unsupportedHyperparameter(key: "v_loss_layer", reason: "0 given; only the last block (1) is supported")) {
            try ROMEEditor(wrongLossLayer).edit([Self.request], encoder: encoder, state: state)
        }
        #expect(encoder.replacedParameters.isEmpty)
    }
}
