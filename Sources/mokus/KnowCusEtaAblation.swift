import ArgumentParser
import Foundation
import KnowledgeEditing
import ModelIO

/// `mokus bench knowcus --eta 1e-4,1e-3,…`: UltraEdit's learning rate η (its hparams key `lr`, the
/// η of vᵢ = −η‖k̂ᵢ‖²ĝᵢ) varied inside one benchmark run, one MoKus row per value.
enum KnowCusEtaAblation {
    /// The UltraEdit file the ablation varies when no `--hparams` file is an UltraEdit one.
    static let defaultFile = "hparams/UltraEdit/world.yaml"

    /// Parses a comma-separated list of positive, finite, distinct numbers.
    ///
    /// - Throws: `ValidationError` naming the first bad item.
    static func parse(_ text: String) throws -> [Double] {
        let values = try text.split(separator: ",", omittingEmptySubsequences: false).map { item in
            let trimmed = item.trimmingCharacters(in: .whitespaces)
            guard let value = Double(trimmed), value.isFinite, value > 0 else {
                throw ValidationError("--eta: expected positive numbers separated by commas (1e-4,1e-3), found '\(trimmed)'")
            }
            return value
        }
        guard Set(values).count == values.count else { throw ValidationError("--eta: a value is given twice in '\(text)'") }
        return values
    }

    /// `file` with its top-level `lr` set to `eta`: in YAML the key's line is rewritten (comments and
    /// the other keys kept as written); in JSON the document is re-encoded. The path, for errors,
    /// names the change ("hparams/UltraEdit/world.yaml (lr 0.001)").
    ///
    /// - Throws: `ValidationError` for a file without a top-level `lr` key; ``HyperparameterError``
    ///   from reading the changed document.
    static func file(_ file: HyperparameterFile, eta: Double) throws -> HyperparameterFile {
        let value = String(format: "%g", eta)
        let path = "\(file.path) (lr \(value))"
        guard let key = file.keys.first(where: { $0.name == "lr" }) else {
            throw ValidationError("\(file.path): --eta needs a top-level 'lr' key (UltraEdit's η), found none")
        }
        if let line = key.line {
            var lines = file.text.components(separatedBy: "\n")
            guard (1...lines.count).contains(line), lines[line - 1].hasPrefix("lr:") else {
                throw ValidationError("\(file.path): line \(line): expected 'lr: <number>' to change for --eta")
            }
            lines[line - 1] = "lr: \(value)"
            return try HyperparameterFile(data: Data(lines.joined(separator: "\n").utf8), format: .yaml, path: path)
        }
        guard var object = try? JSONSerialization.jsonObject(with: Data(file.text.utf8)) as? [String: Any] else {
            throw ValidationError("\(file.path): --eta: expected a JSON object")
        }
        object["lr"] = eta
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return try HyperparameterFile(data: data, format: .json, path: path)
    }
}
