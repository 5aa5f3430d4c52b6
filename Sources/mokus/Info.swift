import ArgumentParser
import Foundation
import KnowledgeEditing
import TextEncoders

extension Mokus {
    /// `mokus info`: the modules and parameters of a checkpoint.
    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a model's modules and parameter shapes and dtypes.")

        @OptionGroup var model: ModelOptions
        @OptionGroup var output: JSONOutputOption

        func run() throws {
            let encoder = try loadEncoder(model)
            let info = encoder.info
            if output.json {
                try printJSON([
                    "model_type": info.modelType, "hidden_size": info.hiddenSize, "num_layers": info.layerCount,
                    "vocab_size": info.vocabularySize, "layer_module_template": info.layerModuleTemplate,
                    "modules": info.moduleNames,
                    "parameters": encoder.parameters.map { ["name": $0.name, "shape": $0.shape, "dtype": $0.dtype.rawValue] as [String: Any] },
                ])
                return
            }
            print("\(info.modelType): \(info.layerCount) layers, width \(info.hiddenSize), vocabulary \(info.vocabularySize)")
            print("layer modules: \(info.layerModuleTemplate)")
            let total = encoder.parameters.reduce(0) { $0 + $1.shape.reduce(1, *) }
            print("\(encoder.parameters.count) parameters (\(total) values):")
            for p in encoder.parameters {
                print("  \(p.name)  \(p.shape.map(String.init).joined(separator: "×"))  \(p.dtype.rawValue)")
            }
            print("\(info.moduleNames.count) hookable modules:")
            for name in info.moduleNames { print("  \(name)") }
        }
    }
}
