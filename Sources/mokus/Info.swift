import ArgumentParser
import Foundation
import KnowledgeEditing
import TextEncoders

extension Mokus {
    /// `mokus info`: the modules and parameters of a checkpoint; `--system`: the machine and its BLAS kernels.
    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a model's modules and parameter shapes and dtypes, or (--system) the CPU and BLAS kernels.")

        @OptionGroup var model: ModelOptions
        @OptionGroup var output: JSONOutputOption
        @Flag(help: "Show the cores, the OpenBLAS build and the kernels it runs (and why) instead of a model.")
        var system = false

        func run() throws {
            if system {
                let rows = SystemInfo.rows()
                if output.json { try printJSON(Dictionary(uniqueKeysWithValues: rows)) } else { rows.forEach { print("\($0.0): \($0.1)") } }
                return
            }
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
