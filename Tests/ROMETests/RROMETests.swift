import Foundation
import KnowledgeEditing
import ModelInterfaces
@testable import ROME
import Tensors
import TestSupport
import Testing
import TextEncoders

/// r-ROME's key flags (EasyEdit `r_rome`): decoded from EasyEdit's files, refused when
/// contradictory, and each choosing the key that the update maps to v*.
@Suite("ROME: r-ROME keys")
struct RROMETests {
    static let published = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appending(path: "Fixtures/easyedit-r-rome-qwen2.5-7b.yaml")

    /// The tiny ROME hparams with `extra` lines appended.
    static func decode(_ extra: String, algorithm: String = "ROME") throws -> ROMEHyperparameters {
        let text = try String(contentsOf: ROMETests.repository.appending(path: "hparams/ROME/tiny-qwen2.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "alg_name: \"ROME\"", with: "alg_name: \"\(algorithm)\"")
        let directory = try TemporaryDirectory(label: "r-rome")
        return try HyperparameterFile(contentsOf: try directory.write(text + extra, to: "h.yaml")).decode(ROMEHyperparameters.self)
    }

    @Test("EasyEdit's published r-ROME file decodes unchanged and selects the random-prefix keys")
    func publishedFile() throws {
        let file = try HyperparameterFile(contentsOf: Self.published)
        #expect(file.algorithmName == "R-ROME")
        let h = try file.decode(ROMEHyperparameters.self)
        #expect(h.keySource == .randomPrefixKeys && h.layers == [5])
    }

    @Test("the flags: ROME without them is unchanged; EasyEdit's defaults and combinations; contradictions refused")
    func flags() throws {
        #expect(try Self.decode("").keySource == .original)
        #expect(try Self.decode("", algorithm: "R-ROME").keySource == .randomPrefixKeys)
        #expect(try Self.decode("enable_prompt_keys: true\nenable_random_prefix_keys: false\n").keySource == .promptKeys)
        #expect(try Self.decode("original_implementation: true\nenable_random_prefix_keys: false\n").keySource == .original)
        #expect(try Self.decode("original_implementation: true\n").keySource == .randomPrefixKeys)
        for contradiction in ["enable_prompt_keys: true\n", "enable_random_prefix_keys: false\n"] {
            #expect {
                try Self.decode(contradiction)
            } throws: { error in
                guard case .invalidValue(_, let key, _, _, _)? = error as? HyperparameterError else { return false }
                return key == "enable_prompt_keys"
            }
        }
    }

    /// The rewrite module's output at the subject's last token, averaged over `templates`.
    static func meanOutput(_ encoder: any TextEncoder, templates: [String], module: String) throws -> [Float] {
        let prompt = try SubjectPrompt(ROMETests.request, index: 0, encoder: encoder)
        return try SubjectKeys.keysAndOutputs([prompt], templates: templates, module: module, encoder: encoder)
            .outputs.mean(axes: [0]).scalars
    }

    @Test("each key source's update maps its key to v*: k̄ (mean over templates) or k₀ (the bare prompt)",
          arguments: [ROMEKeySource.randomPrefixKeys, .promptKeys, .original])
    func updateMapsItsKey(source: ROMEKeySource) throws {
        let c = ROMETests.cases[0]
        let encoder = try ROMETests().load(c)
        var h = try ROMETests.hyperparameters(c, steps: 5)
        h.keySource = source
        var editor = ROMEEditor(h)
        editor.recordsIntermediates = true
        let result = try editor.edit([ROMETests.request], encoder: encoder, state: EditState(modelFingerprint: "test"))
        let module = "model.layers.0.mlp.down_proj"
        let target = try #require(result.intermediates["\(module).v_star"]).scalars
        try encoder.addToParameter(result.deltas[0].parameter, result.deltas[0].dense)
        let templates = source == .randomPrefixKeys ? h.contextTemplates ?? [] : ["{}"]
        let output = try Self.meanOutput(encoder, templates: templates, module: module)
        let error = zip(output, target).map { abs($0 - $1) }.max() ?? .infinity
        #expect(error / (target.map(abs).max() ?? 1) <= 1e-4, "relative error \(error)")
        if source == .randomPrefixKeys {
            // The bare prompt is not what this update is solved at.
            let bare = try Self.meanOutput(encoder, templates: ["{}"], module: module)
            #expect(zip(bare, target).map { abs($0 - $1) }.max() ?? 0 > 1e-3)
        }
    }
}
