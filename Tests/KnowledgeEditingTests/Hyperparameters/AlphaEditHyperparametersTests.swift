import AlphaEdit
import Foundation
import KnowledgeEditing
import MEMIT
import ModelIO
import Testing

/// AlphaEdit's hparams: EasyEdit's own files (copied verbatim into Fixtures/hparams/AlphaEdit),
/// the repository's hparams/AlphaEdit files, and broken variants of the tiny file.
@Suite("AlphaEdit hparams")
struct AlphaEditHyperparametersTests {
    /// The values of EasyEdit's AlphaEdit files (reference table §1.7).
    struct Expectation: Sendable, CustomStringConvertible {
        let file: String, modelName: String, layers: [Int], clamp: Double, steps: Int, learningRate: Double
        let lossLayer: Int, weightDecay: Double, updateWeight: Double, l2: Double, rewrite: String
        var description: String { file }
    }

    static let easyEdit = [
        Expectation(
            file: "gpt2-xl.yaml", modelName: "./hugging_cache/gpt2-xl", layers: [13, 14, 15, 16, 17], clamp: 0.75,
            steps: 20, learningRate: 0.5, lossLayer: 47, weightDecay: 0.5, updateWeight: 20000, l2: 10,
            rewrite: "transformer.h.{}.mlp.c_proj"),
        Expectation(
            file: "qwen2.5-7b.yaml", modelName: "Qwen/Qwen2.5-7B-Instruct", layers: [4, 5, 6, 7, 8], clamp: 4,
            steps: 25, learningRate: 0.5, lossLayer: 27, weightDecay: 1e-3, updateWeight: 15000, l2: 1,
            rewrite: "model.layers.{}.mlp.down_proj"),
        Expectation(
            file: "llama3-8b.yaml", modelName: "./hugging_cache/llama-3-8b-instruct", layers: [4, 5, 6, 7, 8],
            clamp: 0.75, steps: 25, learningRate: 0.1, lossLayer: 31, weightDecay: 0.5, updateWeight: 15000, l2: 1,
            rewrite: "model.layers.{}.mlp.down_proj"),
    ]

    @Test("EasyEdit's AlphaEdit files decode unchanged", arguments: easyEdit)
    func easyEditFiles(expected: Expectation) throws {
        let file = try HyperparameterFile(contentsOf: TestFiles.fixture("hparams/AlphaEdit/\(expected.file)"))
        #expect(file.algorithmName == "AlphaEdit")
        let hparams = try file.decode(AlphaEditHyperparameters.self)
        #expect(hparams.modelName == expected.modelName)
        #expect(hparams.statisticsDirectory == "./data/stats")
        #expect(hparams.device == 0)
        #expect(hparams.layers == expected.layers)
        #expect(hparams.layerSelection == .all)
        #expect(hparams.factToken == .subjectLast)
        #expect(hparams.clampNormFactor == expected.clamp)
        #expect(hparams.valueStepCount == expected.steps)
        #expect(hparams.valueLearningRate == expected.learningRate)   // written 5e-1 / 1e-1
        #expect(hparams.valueLossLayer == expected.lossLayer)
        #expect(hparams.valueWeightDecay == expected.weightDecay)
        #expect(hparams.klFactor == 0.0625)
        #expect(hparams.usesCovariance == true)
        #expect(hparams.covarianceUpdateWeight == expected.updateWeight)
        #expect(hparams.rewriteModule.pattern == expected.rewrite)
        #expect(hparams.lmHeadModule.pattern == "lm_head")
        #expect(hparams.covarianceDataset == "wikipedia")
        #expect(hparams.covarianceSampleCount == 100_000)
        #expect(hparams.covarianceDType == .float32)
        #expect(hparams.nullspaceThreshold == 2e-2)
        #expect(hparams.l2 == expected.l2)
        #expect(hparams.projectorPath == "./null_space_project.pt")
        #expect(hparams.batchSize == 1 && hparams.maxLength == 40 && hparams.modelParallel == false)  // defaults
        #expect(hparams.contextTemplates == nil && hparams.seed == nil)
    }

    @Test("every file under hparams/AlphaEdit decodes and fits its model")
    func repositoryFiles() throws {
        let folder = TestFiles.repository.appending(path: "hparams/AlphaEdit")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path(percentEncoded: false))
            .filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(names == ["gpt2-xl.yaml", "llama3-8b.yaml", "qwen2.5-7b.yaml", "qwen2.5-vl-7b.yaml", "tiny-qwen2.yaml", "world.yaml"])
        for name in names {
            let file = try HyperparameterFile(contentsOf: folder.appending(path: name))
            #expect(file.algorithmName == "AlphaEdit", "\(name)")
            let hparams = try file.decode(AlphaEditHyperparameters.self)
            let info = try #require(HyperparameterFixtureTests.model(for: name), "no model known for \(name)")
            try hparams.common.checkModules(against: info)
        }
    }

    @Test("the repository's EasyEdit-derived files keep EasyEdit's values")
    func repositoryMatchesEasyEdit() throws {
        for expected in Self.easyEdit {
            let url = TestFiles.repository.appending(path: "hparams/AlphaEdit/\(expected.file)")
            let ours = try HyperparameterFile(contentsOf: url).decode(AlphaEditHyperparameters.self)
            let theirs = try HyperparameterFile(contentsOf: TestFiles.fixture("hparams/AlphaEdit/\(expected.file)"))
                .decode(AlphaEditHyperparameters.self)
            #expect(ours == theirs, "\(expected.file)")
        }
    }

    @Test("the tiny file: one layer below the last block, explicit templates, no P_loc")
    func tinyQwen2() throws {
        let url = TestFiles.repository.appending(path: "hparams/AlphaEdit/tiny-qwen2")
        let hparams = try HyperparameterFile(contentsOf: url).decode(AlphaEditHyperparameters.self)
        let memit = try HyperparameterFile(contentsOf: TestFiles.repository.appending(path: "hparams/MEMIT/tiny-qwen2"))
            .decode(MEMITHyperparameters.self)
        #expect(hparams.common == memit.common)   // the shared keys are MEMIT's tiny values
        #expect(hparams.nullspaceThreshold == 0.1 && hparams.l2 == 0.01)
        #expect(hparams.projectorPath == nil)
    }

    // MARK: Broken inputs

    static let tinyText: String = {
        let url = TestFiles.repository.appending(path: "hparams/AlphaEdit/tiny-qwen2.yaml")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    /// The tiny file with the line of `key` replaced by `replacement` (removed when nil).
    static func tiny(_ key: String, _ replacement: String?) throws -> String {
        let lines = tinyText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = try #require(lines.firstIndex { $0.hasPrefix("\(key):") }, "no key \(key)")
        var edited = lines
        if let replacement { edited[index] = replacement } else { edited.remove(at: index) }
        return edited.joined(separator: "\n")
    }

    static func decode(_ text: String) throws -> AlphaEditHyperparameters {
        try HyperparameterFile(data: Data(text.utf8), format: .yaml, path: "alphaedit.yaml")
            .decode(AlphaEditHyperparameters.self)
    }

    static func line(of key: String, in text: String) -> Int? {
        text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("\(key):") }
            .map { $0 + 1 }
    }

    @Test("a misspelt AlphaEdit key is rejected with the key it should be",
          arguments: [("nullspace_threshold", "nullspace_treshold: 0.1"), ("L2", "l2: 0.01")])
    func misspeltKey(key: String, replacement: String) throws {
        let text = try Self.tiny(key, replacement)
        let misspelt = String(replacement.prefix { $0 != ":" })
        let error = try #require(throws: HyperparameterError.self) { try Self.decode(text) }
        guard case let .unknownKey(file, found, line, validKeys, suggestion) = error else {
            Issue.record("got \(error)")
            return
        }
        #expect(file == "alphaedit.yaml" && found == misspelt && line == Self.line(of: misspelt, in: text))
        #expect(suggestion == key)
        #expect(validKeys.contains("nullspace_threshold") && validKeys.contains("L2") && validKeys.contains("P_loc"))
    }

    @Test("nullspace_threshold must be a finite number > 0",
          arguments: ["0", "-0.02", ".inf", ".nan", "\"big\""])
    func invalidThreshold(value: String) throws {
        let text = try Self.tiny("nullspace_threshold", "nullspace_threshold: \(value)")
        let error = try #require(throws: HyperparameterError.self) { try Self.decode(text) }
        switch error {
        case let .invalidValue(file, key, line, _, _), let .wrongType(file, key, line, _, _):
            #expect(file == "alphaedit.yaml" && key == "nullspace_threshold")
            #expect(line == Self.line(of: "nullspace_threshold", in: text))
        default:
            Issue.record("got \(error)")
        }
    }

    @Test("L2 must be a finite number > 0", arguments: ["-1", "0", ".inf"])
    func invalidL2(value: String) throws {
        let text = try Self.tiny("L2", "L2: \(value)")
        let error = try #require(throws: HyperparameterError.self) { try Self.decode(text) }
        guard case let .invalidValue(file, key, line, expected, found) = error else {
            Issue.record("got \(error)")
            return
        }
        #expect(file == "alphaedit.yaml" && key == "L2" && line == Self.line(of: "L2", in: text))
        #expect(found == value && expected.contains("> 0"))
    }

    @Test("nullspace_threshold and L2 are required; P_loc is optional", arguments: ["nullspace_threshold", "L2"])
    func requiredKeys(key: String) throws {
        #expect(throws: HyperparameterError.missingKey(file: "alphaedit.yaml", key: key)) {
            try Self.decode(try Self.tiny(key, nil))
        }
        #expect(try Self.decode(Self.tinyText + "\nP_loc: \"./null_space_project.pt\"\n").projectorPath
            == "./null_space_project.pt")
    }

    @Test("AlphaEdit files reject ROME-only keys, as EasyEdit's dataclass does",
          arguments: ["fp16: false", "context_template_length_params: [[5, 10]]"])
    func romeOnlyKeys(line: String) throws {
        let error = try #require(throws: HyperparameterError.self) { try Self.decode(Self.tinyText + "\n\(line)\n") }
        guard case .unknownKey(file: "alphaedit.yaml", key: String(line.prefix { $0 != ":" }), _, _, _) = error else {
            Issue.record("got \(error)")
            return
        }
    }
}
