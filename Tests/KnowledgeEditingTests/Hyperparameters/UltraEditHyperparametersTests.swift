import Foundation
import KnowledgeEditing
import ModelIO
import Testing
import UltraEdit

/// UltraEdit's hparams: EasyEdit's own file (copied verbatim into Fixtures/hparams/UltraEdit), the
/// repository's hparams/UltraEdit files, and broken variants of the tiny file.
@Suite("UltraEdit hparams")
struct UltraEditHyperparametersTests {
    static let qwenLayers = Array(18...26)

    @Test("EasyEdit's qwen2.5-7b file decodes unchanged")
    func easyEditFile() throws {
        let file = try HyperparameterFile(contentsOf: TestFiles.fixture("hparams/UltraEdit/qwen2.5-7b.yaml"))
        #expect(file.algorithmName == "ULTRAEDIT")
        let h = try file.decode(UltraEditHyperparameters.self)
        #expect(h.modelName == "your/path/Qwen2.5-7B-Instruct" && h.tokenizerName == h.modelName)
        #expect(h.modelClass == "AutoModelForCausalLM" && h.tokenizerClass == "AutoTokenizer")
        #expect(h.innerParameters == Self.qwenLayers.map { "model.layers.\($0).mlp.gate_proj" }
            + Self.qwenLayers.map { "model.layers.\($0).mlp.up_proj" })
        #expect(h.device == 0 && h.dropout == 0 && h.noGradLayers == nil)
        #expect(h.learningRate == 1e-6 && h.token == .mask)
        #expect(h.batchSize == 100 && h.subBatchSize == 10 && h.editorBatchSize == 1024)
        #expect(h.silent == false && h.half == true && h.modelParallel == false && h.resultsDirectory == "./results")
        #expect(h.maxLength == 40)   // the dataclass default
    }

    @Test("the repository's UltraEdit files decode; qwenvl2.5-7b edits the text tower's 18 matrices",
          arguments: ["qwen2.5-7b", "llama3-8b", "qwenvl2.5-7b", "tiny-qwen2"])
    func repositoryFiles(name: String) throws {
        let url = TestFiles.repository.appending(path: "hparams/UltraEdit/\(name)")
        let h = try HyperparameterFile(contentsOf: url).decode(UltraEditHyperparameters.self)
        #expect(!h.innerParameters.isEmpty)
        if name == "qwenvl2.5-7b" {
            #expect(h.innerParameters.count == 18 && h.learningRate == 1e-6 && h.batchSize == 1)
            #expect(h.innerParameters.allSatisfy { $0.hasPrefix("model.language_model.layers.") })
        }
    }

    static let tinyText = """
        alg_name: UltraEdit
        model_name: tiny
        class_name: Qwen2ForCausalLM
        tokenizer_class: AutoTokenizer
        tokenizer_name: tiny
        inner_params: [model.layers.0.mlp.gate_proj.weight, model.layers.1.mlp.up_proj]
        device: 0
        dropout: 0.0
        no_grad_layers: null
        batch_size: 2
        lr: 1e-2
        token: ans
        batch_size_once: 2
        editor_batch_size: 16
        silent: true
        results_dir: ./results
        """

    static func decode(_ text: String) throws -> UltraEditHyperparameters {
        try HyperparameterFile(data: Data(text.utf8), format: .yaml, path: "ultraedit.yaml")
            .decode(UltraEditHyperparameters.self)
    }

    static func replacing(_ key: String, with replacement: String?) -> String {
        tinyText.split(separator: "\n").compactMap { line in
            line.hasPrefix("\(key):") ? replacement : String(line)
        }.joined(separator: "\n")
    }

    @Test("the alias UltraEdit, class_name for model_class, and a trailing .weight are accepted")
    func aliases() throws {
        let file = try HyperparameterFile(data: Data(Self.tinyText.utf8), format: .yaml, path: "ultraedit.yaml")
        #expect(file.algorithmName.lowercased() == UltraEditEditor.algorithmName.lowercased())
        let h = try Self.decode(Self.tinyText)
        #expect(h.modelClass == "Qwen2ForCausalLM")
        #expect(h.innerParameters == ["model.layers.0.mlp.gate_proj", "model.layers.1.mlp.up_proj"])
        #expect(h.token == .answer && h.learningRate == 0.01 && !h.half && !h.modelParallel)
    }

    @Test("device takes EasyEdit's index or a device name such as cpu", arguments: [
        ("device: 0", DeviceSetting.index(0)), ("device: cpu", .name("cpu")), ("device: cuda:1", .name("cuda:1")),
    ])
    func device(line: String, expected: DeviceSetting) throws {
        #expect(try Self.decode(Self.replacing("device", with: line)).device == expected)
    }

    @Test("a device that is neither an index nor a name is rejected naming the key")
    func badDevice() throws {
        let error = try #require(throws: HyperparameterError.self) {
            try Self.decode(Self.replacing("device", with: "device: [0, 1]"))
        }
        #expect(error.description.contains("device"))
    }

    @Test("invalid values are rejected naming the key", arguments: [
        ("lr", "lr: 0"), ("lr", "lr: -1e-6"), ("token", "token: answer"), ("inner_params", "inner_params: []"),
        ("inner_params", "inner_params: [a.weight, a]"), ("batch_size_once", "batch_size_once: 0"),
        ("class_name", "class_name: Other\nmodel_class: AutoModelForCausalLM"),
    ])
    func invalidValue(key: String, replacement: String) throws {
        let text = Self.replacing(key == "class_name" ? "class_name" : key, with: replacement)
        let error = try #require(throws: HyperparameterError.self) { try Self.decode(text) }
        guard case let .invalidValue(file, found, _, _, _) = error else {
            Issue.record("got \(error)")
            return
        }
        #expect(file == "ultraedit.yaml" && found == key)
        #expect(error.description.contains(key))
    }

    @Test("required keys are required; no_grad_layers too, though it may be null",
          arguments: ["lr", "token", "inner_params", "no_grad_layers", "class_name", "results_dir"])
    func missingKey(key: String) throws {
        let error = try #require(throws: HyperparameterError.self) { try Self.decode(Self.replacing(key, with: nil)) }
        guard case let .missingKey(_, missing) = error else {
            Issue.record("got \(error)")
            return
        }
        #expect(missing == (key == "class_name" ? "model_class" : key))
    }
}
