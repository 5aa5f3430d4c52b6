import Foundation
import KnowledgeEditing
import MEMIT
import ModelIO
import ROME
import Testing
import TestSupport

@Suite("hparams files: header, strict decoding, validation")
struct HyperparameterFileTests {
    /// The tiny ROME file, a valid starting point for broken variants.
    static let romeText: String = {
        let url = TestFiles.repository.appending(path: "hparams/ROME/tiny-qwen2.yaml")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    /// `romeText` with the line starting `key:` replaced by `replacement` (removed when nil).
    static func rome(_ key: String, _ replacement: String?) throws -> String {
        let lines = romeText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = try #require(lines.firstIndex { $0.hasPrefix("\(key):") }, "no key \(key)")
        var edited = lines
        if let replacement { edited[index] = replacement } else { edited.remove(at: index) }
        return edited.joined(separator: "\n")
    }

    /// The 1-based line of `key` in `text`.
    static func line(of key: String, in text: String) -> Int? {
        text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("\(key):") }
            .map { $0 + 1 }
    }

    static func file(_ text: String, format: StrictConfigDecoder.Format = .yaml) throws -> HyperparameterFile {
        try HyperparameterFile(data: Data(text.utf8), format: format, path: "rome.yaml")
    }

    static func decodeROME(_ text: String) throws -> ROMEHyperparameters {
        try file(text).decode(ROMEHyperparameters.self)
    }

    static let validROMEKeys = (HyperparameterFile.headerKeys + ROMEHyperparameters.keys).sorted()

    @Test("a misspelt key is rejected with its line and the key it should be")
    func misspeltKey() throws {
        let text = try Self.rome("v_num_grad_steps", "v_num_grad_step: 25")
        let error = try #require(throws: HyperparameterError.self) { try Self.decodeROME(text) }
        let line = try #require(Self.line(of: "v_num_grad_step", in: text))
        #expect(error == .unknownKey(
            file: "rome.yaml", key: "v_num_grad_step", line: line, validKeys: Self.validROMEKeys,
            suggestion: "v_num_grad_steps"))
        #expect(error.description.hasPrefix(
            "rome.yaml:\(line): unknown key 'v_num_grad_step'; did you mean 'v_num_grad_steps'? "
                + "Valid keys: alg, alg_name, attn_module_tmp,"))
    }

    @Test("a missing key is named")
    func missingKey() throws {
        #expect(throws: HyperparameterError.missingKey(file: "rome.yaml", key: "kl_factor")) {
            try Self.decodeROME(try Self.rome("kl_factor", nil))
        }
    }

    @Test("a value of the wrong type is named with what was expected and what was found")
    func wrongType() throws {
        let text = try Self.rome("layers", "layers: first")
        let error = try #require(throws: HyperparameterError.self) { try Self.decodeROME(text) }
        #expect(error == .wrongType(
            file: "rome.yaml", key: "layers", line: Self.line(of: "layers", in: text), expected: "a list",
            found: "first"))
        let quoted = try Self.rome("layers", #"layers: ["0"]"#)
        #expect(throws: HyperparameterError.wrongType(
            file: "rome.yaml", key: "layers[0]", line: Self.line(of: "layers", in: quoted), expected: "an integer",
            found: "\"0\"")
        ) { try Self.decodeROME(quoted) }
    }

    /// (key, replacement line, reported key, expected, found as written)
    static let invalidValues: [(String, String, String, String, String)] = [
        ("v_lr", "v_lr: -5e-1", "v_lr", "a finite number > 0", "-5e-1"),
        ("v_lr", "v_lr: .nan", "v_lr", "a finite number > 0", ".nan"),
        ("layers", "layers: []", "layers", "a non-empty list of distinct layer indices", "[]"),
        ("layers", "layers: [0, 0]", "layers", "a non-empty list of distinct layer indices", "[0, 0]"),
        ("layers", "layers: [0, -1]", "layers[1]", "a layer index ≥ 0", "-1"),
        ("fact_token", "fact_token: \"subject_middle\"", "fact_token",
         "one of 'last', 'subject_first', 'subject_last', 'subject_first_after_last'", "\"subject_middle\""),
        ("mom2_dtype", "mom2_dtype: float16", "mom2_dtype", "one of 'float32', 'float64'", "float16"),
        ("v_num_grad_steps", "v_num_grad_steps: 0", "v_num_grad_steps", "an integer ≥ 1", "0"),
        ("rewrite_module_tmp", "rewrite_module_tmp: model.layers.mlp.down_proj", "rewrite_module_tmp",
         "a module name with one '{}' for the layer index (e.g. 'model.layers.{}.mlp')", "model.layers.mlp.down_proj"),
        ("ln_f_module", "ln_f_module: model.layers.{}.norm", "ln_f_module",
         "a module name without '{}' (e.g. 'model.norm')", "model.layers.{}.norm"),
        ("context_templates", "context_templates: [\"{}\", \"The.\"]", "context_templates[1]",
         "a template with exactly one '{}'", "\"The.\""),
        ("context_templates", "context_templates: []", "context_templates",
         "a non-empty list of templates, or no context_templates key", "[]"),
        ("context_template_length_params", "context_template_length_params: [[5, 10], [10]]",
         "context_template_length_params[1]", "a pair [length ≥ 1, count ≥ 0]", "[10]"),
        ("seed", "seed: -1", "seed", "an integer ≥ 0", "-1"),
    ]

    @Test("values out of range or outside their choices are rejected, quoting the value", arguments: invalidValues)
    func invalidValue(key: String, replacement: String, reportedKey: String, expected: String, found: String) throws {
        let text = try Self.rome(key, replacement)
        let error = try #require(throws: HyperparameterError.self) { try Self.decodeROME(text) }
        #expect(error == .invalidValue(
            file: "rome.yaml", key: reportedKey, line: Self.line(of: key, in: text), expected: expected, found: found))
    }

    @Test("a quoted number is accepted where a real number is expected (EasyEdit converts it)")
    func quotedNumber() throws {
        let hparams = try Self.decodeROME(try Self.rome("v_lr", #"v_lr: "5e-1""#))
        #expect(hparams.valueLearningRate == 0.5)
        let weightDecay = try Self.decodeROME(try Self.rome("v_weight_decay", "v_weight_decay: ' 1e-3'"))
        #expect(weightDecay.valueWeightDecay == 1e-3)
        #expect(throws: HyperparameterError.wrongType(
            file: "rome.yaml", key: "v_lr", line: Self.line(of: "v_lr", in: Self.romeText), expected: "a number",
            found: "\"fast\"")
        ) { try Self.decodeROME(try Self.rome("v_lr", #"v_lr: "fast""#)) }
    }

    @Test("defaults fill optional keys; the memberwise properties can be changed")
    func defaults() throws {
        var text = try Self.rome("context_templates", nil)
        for key in ["seed", "fp16", "model_parallel"] {
            text = text.split(separator: "\n").filter { !$0.hasPrefix("\(key):") }.joined(separator: "\n")
        }
        var hparams = try Self.decodeROME(text)
        #expect(hparams.contextTemplates == nil && hparams.seed == nil)
        #expect(hparams.usesHalfPrecision == false && hparams.modelParallel == false && hparams.maxLength == 40)
        hparams.layers = [1]
        #expect(hparams.common.layers == [1])
    }

    @Test("alg_name, or the legacy alg, names the algorithm; conflicting or absent names are errors")
    func header() throws {
        let legacy = try Self.file(try Self.rome("alg_name", "alg: rome"))
        #expect(legacy.algorithmName == "rome")
        #expect(legacy.algorithmKey.name == "alg")
        #expect(try legacy.decode(ROMEHyperparameters.self).layers == [0])

        let both = Self.romeText + "\nalg: ROME\n"
        #expect(try Self.file(both).algorithmName == "ROME")

        let conflicting = Self.romeText + "\nalg: MEMIT\n"
        let error = try #require(throws: HyperparameterError.self) { try Self.file(conflicting) }
        guard case .invalidValue(file: "rome.yaml", key: "alg", _, _, found: "MEMIT") = error else {
            Issue.record("got \(error)")
            return
        }
        #expect(throws: HyperparameterError.missingKey(file: "rome.yaml", key: "alg_name")) {
            try Self.file(try Self.rome("alg_name", nil))
        }
        #expect(throws: HyperparameterError.wrongType(
            file: "rome.yaml", key: "alg_name", line: 1, expected: "a single value", found: "[ROME]")
        ) { try Self.file("alg_name: [ROME]\n") }
    }

    @Test("MEMIT files reject ROME-only keys, as EasyEdit's dataclass does")
    func memitRejectsROMEKeys() throws {
        let url = TestFiles.repository.appending(path: "hparams/MEMIT/tiny-qwen2.yaml")
        let text = try String(contentsOf: url, encoding: .utf8) + "fp16: false\n"
        let error = try #require(throws: HyperparameterError.self) {
            try Self.file(text).decode(MEMITHyperparameters.self)
        }
        guard case .unknownKey(file: "rome.yaml", key: "fp16", _, _, _) = error else {
            Issue.record("got \(error)")
            return
        }
        #expect(!MEMITHyperparameters.keys.contains("context_template_length_params"))
        #expect(MEMITHyperparameters.keys.contains("batch_size"))
    }

    @Test("JSON hparams decode like YAML; a path without an extension reads <path>.yaml")
    func jsonAndExtension() throws {
        let directory = try TemporaryDirectory()
        let yaml = try directory.write(Self.romeText, to: "tiny.yaml")
        let json = try directory.write(Self.romeJSON, to: "tiny.json")
        let fromYAML = try HyperparameterFile(contentsOf: directory.file("tiny"))
        #expect(fromYAML.path == yaml.path(percentEncoded: false))
        let fromJSON = try HyperparameterFile(contentsOf: json)
        #expect(try fromJSON.decode(ROMEHyperparameters.self) == fromYAML.decode(ROMEHyperparameters.self))
    }

    /// The tiny ROME hparams as JSON, with `v_lr` as a quoted number.
    static let romeJSON = """
        {"alg_name": "ROME", "model_name": "Tests/TextEncodersTests/Fixtures/qwen2", "stats_dir": "./data/stats",
         "device": 0, "layers": [0], "fact_token": "subject_last", "v_num_grad_steps": 25, "v_lr": "5e-1",
         "v_loss_layer": 1, "v_weight_decay": 1e-3, "clamp_norm_factor": 4, "kl_factor": 0.0625,
         "mom2_adjustment": false, "context_template_length_params": [[5, 10], [10, 10]],
         "context_templates": ["{}", "The. {}", "Therefore. {}"], "seed": 42,
         "rewrite_module_tmp": "model.layers.{}.mlp.down_proj", "layer_module_tmp": "model.layers.{}",
         "mlp_module_tmp": "model.layers.{}.mlp", "attn_module_tmp": "model.layers.{}.self_attn",
         "ln_f_module": "model.norm", "lm_head_module": "lm_head", "mom2_dataset": "wikipedia",
         "mom2_n_samples": 1000, "mom2_dtype": "float32", "model_parallel": false, "fp16": false}
        """

    @Test("unreadable and malformed files are reported with their path")
    func unreadableAndMalformed() throws {
        let directory = try TemporaryDirectory()
        let absent = directory.file("absent.yaml")
        let unreadable = try #require(throws: HyperparameterError.self) { try HyperparameterFile(contentsOf: absent) }
        guard case .unreadableFile(file: absent.path(percentEncoded: false), _) = unreadable else {
            Issue.record("got \(unreadable)")
            return
        }
        let malformed = try #require(throws: HyperparameterError.self) { try Self.file("layers: [1, 2\n") }
        guard case .malformedFile(file: "rome.yaml", _) = malformed else {
            Issue.record("got \(malformed)")
            return
        }
        let notMapping = HyperparameterError.malformedFile(file: "rome.yaml", reason: "the top level is not a mapping")
        #expect(throws: notMapping) {
            try Self.file("- ROME\n")
        }
    }
}
