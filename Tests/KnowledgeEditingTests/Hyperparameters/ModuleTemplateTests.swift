import Foundation
import KnowledgeEditing
import ROME
import Testing

@Suite("module templates")
struct ModuleTemplateTests {
    static let rewrite = ModuleTemplate(key: "rewrite_module_tmp", pattern: "model.layers.{}.mlp.down_proj")

    @Test("a template is filled in per layer; a module's weight is <module>.weight")
    func fillsIn() throws {
        #expect(Self.rewrite.isPerLayer)
        #expect(Self.rewrite.name(layer: 12) == "model.layers.12.mlp.down_proj")
        #expect(try Self.rewrite.resolve(layers: [4, 5], in: ModuleNames.rope(layers: 28))
            == ["model.layers.4.mlp.down_proj", "model.layers.5.mlp.down_proj"])
        #expect(ModuleTemplate.weightName(ofModule: "model.layers.12.mlp.down_proj")
            == "model.layers.12.mlp.down_proj.weight")
        let norm = ModuleTemplate(key: "ln_f_module", pattern: "model.norm")
        #expect(!norm.isPerLayer)
        #expect(try norm.resolve(in: ModuleNames.rope(layers: 2)) == "model.norm")
    }

    @Test("a layer outside the model is an error naming the template and the layer count", arguments: [28, -1])
    func layerOutOfRange(layer: Int) throws {
        let error = try #require(throws: HyperparameterError.self) {
            try Self.rewrite.resolve(layers: [4, layer], in: ModuleNames.rope(layers: 28))
        }
        #expect(error == .layerOutOfRange(
            key: "rewrite_module_tmp", template: "model.layers.{}.mlp.down_proj", layer: layer, layerCount: 28))
        #expect(error.description.contains("the model has 28 layers (0...27)"))
    }

    @Test("a template for the other Qwen2.5-VL naming finds nothing and names the nearest modules")
    func moduleNotFound() throws {
        let visionLanguage = ModuleTemplate(
            key: "rewrite_module_tmp", pattern: "model.language_model.layers.{}.mlp.down_proj")
        let error = try #require(throws: HyperparameterError.self) {
            try visionLanguage.resolve(layer: 5, in: ModuleNames.rope(layers: 28))
        }
        guard case let .moduleNotFound(key, template, layer, module, nearest) = error else {
            Issue.record("got \(error)")
            return
        }
        #expect(key == "rewrite_module_tmp" && template == visionLanguage.pattern && layer == 5)
        #expect(module == "model.language_model.layers.5.mlp.down_proj")
        #expect(nearest.count == 3 && nearest.first == "model.layers.5.mlp.down_proj")

        let norm = ModuleTemplate(key: "ln_f_module", pattern: "model.norm")
        let fixed = try #require(throws: HyperparameterError.self) {
            try norm.resolve(in: ModuleNames.rope(layers: 2, prefix: "model.language_model"))
        }
        guard case .moduleNotFound(key: "ln_f_module", template: "model.norm", layer: nil, module: "model.norm",
                                   let nearest) = fixed else {
            Issue.record("got \(fixed)")
            return
        }
        #expect(nearest.contains("model.language_model.norm"))
        #expect(fixed.description.hasPrefix("ln_f_module 'model.norm': the model has no module 'model.norm'"))
    }

    @Test("hparams check every module they use, v_loss_layer included, before any computation")
    func checkModules() throws {
        let hparams = try HyperparameterFile(
            data: Data(HyperparameterFileTests.rome("v_loss_layer", "v_loss_layer: 2").utf8), format: .yaml,
            path: "h.yaml"
        ).decode(ROMEHyperparameters.self)
        #expect(throws: HyperparameterError.layerOutOfRange(
            key: "v_loss_layer", template: "model.layers.{}", layer: 2, layerCount: 2)
        ) { try hparams.common.checkModules(against: ModuleNames.rope(layers: 2)) }
        #expect(throws: HyperparameterError.moduleNotFound(
            key: "rewrite_module_tmp", template: "model.layers.{}.mlp.down_proj", layer: 0,
            module: "model.layers.0.mlp.down_proj",
            nearest: ["model.layers.1.mlp.down_proj", "model.layers.0.mlp.gate_proj", "model.layers.0.mlp.up_proj"])
        ) {
            var info = ModuleNames.rope(layers: 2)
            info.moduleNames.removeAll { $0 == "model.layers.0.mlp.down_proj" }
            try hparams.common.checkModules(against: info)
        }
    }
}
