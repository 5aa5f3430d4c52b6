import Foundation
import KnowledgeEditing
import MEMIT
import ModelInterfaces
import ModelIO
import ROME
import Testing

/// EasyEdit's own hparams files, copied verbatim into Fixtures/hparams, and every file of the
/// repository's hparams/ folder.
@Suite("hparams files as shipped")
struct HyperparameterFixtureTests {
    /// The values of EasyEdit's ROME files (reference table §1.7).
    struct ROMEExpectation: Sendable, CustomStringConvertible {
        let file: String, modelName: String, device: DeviceSetting, layers: [Int], steps: Int, lossLayer: Int
        let weightDecay: Double, rewrite: String, lmHead: String
        var description: String { file }
    }

    static let rome = [
        ROMEExpectation(
            file: "ROME/gpt2-xl.yaml", modelName: "./hugging_cache/gpt2-xl", device: 0, layers: [17], steps: 20,
            lossLayer: 47, weightDecay: 0.5, rewrite: "transformer.h.{}.mlp.c_proj", lmHead: "transformer.wte"),
        ROMEExpectation(
            file: "ROME/qwen2.5-7b.yaml", modelName: "./hugging_cache/Qwen2.5-7B", device: 5, layers: [5], steps: 25,
            lossLayer: 27, weightDecay: 1e-3, rewrite: "model.layers.{}.mlp.down_proj", lmHead: "lm_head"),
    ]

    @Test("EasyEdit's ROME files decode unchanged", arguments: rome)
    func easyEditROME(expected: ROMEExpectation) throws {
        let file = try HyperparameterFile(contentsOf: TestFiles.fixture("hparams/\(expected.file)"))
        #expect(file.algorithmName == "ROME")
        let hparams = try file.decode(ROMEHyperparameters.self)
        #expect(hparams.modelName == expected.modelName)
        #expect(hparams.statisticsDirectory == "./data/stats")
        #expect(hparams.device == expected.device)
        #expect(hparams.layers == expected.layers)
        #expect(hparams.factToken == .subjectLast)
        #expect(hparams.valueStepCount == expected.steps)
        #expect(hparams.valueLearningRate == 0.5)  // written `5e-1`
        #expect(hparams.valueLossLayer == expected.lossLayer)
        #expect(hparams.valueWeightDecay == expected.weightDecay)
        #expect(hparams.clampNormFactor == 4)
        #expect(hparams.klFactor == 0.0625)
        #expect(hparams.usesCovariance == false)
        #expect(hparams.contextTemplateLengths == [
            ContextTemplateLength(tokenCount: 5, count: 10), ContextTemplateLength(tokenCount: 10, count: 10),
        ])
        #expect(hparams.rewriteModule.pattern == expected.rewrite)
        #expect(hparams.lmHeadModule.pattern == expected.lmHead)
        #expect(hparams.covarianceDataset == "wikipedia")
        #expect(hparams.covarianceSampleCount == 100_000)
        #expect(hparams.covarianceDType == .float32)
        #expect(hparams.modelParallel == false)
        #expect(hparams.usesHalfPrecision == false)
        #expect(hparams.maxLength == 40)  // the dataclass default
        #expect(hparams.contextTemplates == nil)
        #expect(hparams.seed == nil)
    }

    /// The values of EasyEdit's MEMIT files (reference table §1.7).
    struct MEMITExpectation: Sendable, CustomStringConvertible {
        let file: String, layers: [Int], clamp: Double, steps: Int, lossLayer: Int, weightDecay: Double
        let updateWeight: Double, finalNorm: String
        var description: String { file }
    }

    static let memit = [
        MEMITExpectation(
            file: "MEMIT/gpt2-xl.yaml", layers: [13, 14, 15, 16, 17], clamp: 0.75, steps: 20, lossLayer: 47,
            weightDecay: 0.5, updateWeight: 20000, finalNorm: "transformer.ln_f"),
        MEMITExpectation(
            file: "MEMIT/qwen2.5-7b.yaml", layers: [4, 5, 6, 7, 8], clamp: 4, steps: 25, lossLayer: 27,
            weightDecay: 1e-3, updateWeight: 15000, finalNorm: "model.norm"),
    ]

    @Test("EasyEdit's MEMIT files decode unchanged (model_parallel: False is a YAML 1.1 boolean)", arguments: memit)
    func easyEditMEMIT(expected: MEMITExpectation) throws {
        let file = try HyperparameterFile(contentsOf: TestFiles.fixture("hparams/\(expected.file)"))
        #expect(file.algorithmName == "MEMIT")
        let hparams = try file.decode(MEMITHyperparameters.self)
        #expect(hparams.layers == expected.layers)
        #expect(hparams.layerSelection == .all)
        #expect(hparams.clampNormFactor == expected.clamp)
        #expect(hparams.valueStepCount == expected.steps)
        #expect(hparams.valueLearningRate == 0.5)
        #expect(hparams.valueLossLayer == expected.lossLayer)
        #expect(hparams.valueWeightDecay == expected.weightDecay)
        #expect(hparams.klFactor == 0.0625)
        #expect(hparams.usesCovariance == true)
        #expect(hparams.covarianceUpdateWeight == expected.updateWeight)
        #expect(hparams.finalNormModule.pattern == expected.finalNorm)
        #expect(hparams.modelParallel == false)
        #expect(hparams.batchSize == 1)  // the dataclass default
        #expect(hparams.maxLength == 40)
    }

    /// The module names of the model each repository hparams file is written for.
    static func model(for fileName: String) -> TextEncoderInfo? {
        switch fileName {
        case "gpt2-xl.yaml": ModuleNames.gpt2(layers: 48)
        case "qwen2.5-7b.yaml": ModuleNames.rope(layers: 28)
        case "llama3-8b.yaml": ModuleNames.rope(layers: 32)
        case "qwen2.5-vl-7b.yaml": ModuleNames.rope(layers: 28, prefix: "model.language_model")
        case "tiny-qwen2.yaml": ModuleNames.rope(layers: 2)
        case "tiny-qwen2-facts.yaml": ModuleNames.rope(layers: 3)
        case "world.yaml": ModuleNames.rope(layers: 4)
        default: nil
        }
    }

    @Test("every file under hparams/ decodes, names its folder's algorithm, and fits its model")
    func repositoryFiles() throws {
        let root = TestFiles.repository.appending(path: "hparams")
        let files = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }.filter { ["yaml", "yml", "json"].contains($0.pathExtension) }
        var decoded: [String: Int] = [:]
        for url in files {
            let file = try HyperparameterFile(contentsOf: url)
            let folder = url.deletingLastPathComponent().lastPathComponent
            #expect(file.algorithmName.lowercased() == folder.lowercased(), "\(url.path)")
            let common: LocateThenEditHyperparameters
            switch file.algorithmName.lowercased() {
            case "rome": common = try file.decode(ROMEHyperparameters.self).common
            case "memit": common = try file.decode(MEMITHyperparameters.self).common
            default: continue  // other editors' hparams types live in their plugins
            }
            decoded[folder, default: 0] += 1
            let info = try #require(Self.model(for: url.lastPathComponent), "no model known for \(url.path)")
            try common.checkModules(against: info)
        }
        #expect(decoded["ROME", default: 0] >= 5)
        #expect(decoded["MEMIT", default: 0] >= 5)
    }

    @Test("the tiny-qwen2 files fit the fixture checkpoint: its layers and its edited weights")
    func tinyQwen2() throws {
        let directory = TestFiles.repository.appending(path: "Tests/TextEncodersTests/Fixtures/qwen2")
        let checkpoint = try SafetensorsCheckpoint(directory: directory)
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appending(path: "config.json")))
        let layerCount = try #require((config as? [String: Any])?["num_hidden_layers"] as? Int)
        let rome = try HyperparameterFile(contentsOf: TestFiles.repository.appending(path: "hparams/ROME/tiny-qwen2"))
            .decode(ROMEHyperparameters.self)
        let memit = try HyperparameterFile(contentsOf: TestFiles.repository.appending(path: "hparams/MEMIT/tiny-qwen2"))
            .decode(MEMITHyperparameters.self)
        #expect(rome.layers == [0] && memit.layers == [0])   // below the last block (see the yaml)
        #expect(rome.contextTemplates == ["{}", "The. {}", "Therefore. {}"])
        #expect(memit.contextTemplates == rome.contextTemplates)
        #expect(rome.usesCovariance == false && memit.usesCovariance == true)
        #expect(rome.modelName == "Tests/TextEncodersTests/Fixtures/qwen2")
        let info = ModuleNames.rope(layers: layerCount)
        for hparams in [rome.common, memit.common] {
            #expect(hparams.valueLossLayer == layerCount - 1)
            for module in try hparams.rewriteModule.resolve(layers: hparams.layers, in: info) {
                #expect(checkpoint.contains(ModuleTemplate.weightName(ofModule: module)), "\(module)")
            }
        }
    }
}
