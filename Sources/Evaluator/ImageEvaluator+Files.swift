import Foundation
import ModelIO
import Tensors

// The evaluator folder: `config.json` (schema and architecture sizes) beside `model.safetensors`.

extension ImageEvaluator {
    /// The configuration file's name inside an evaluator folder.
    public static let configurationFileName = "config.json"
    /// The weights file's name inside an evaluator folder.
    public static let weightsFileName = "model.safetensors"

    /// Writes `config.json` and `model.safetensors` into `directory` (created if needed). Each
    /// file is written to a temporary name and renamed into place, so a failure never leaves a
    /// half-written file.
    ///
    /// - Parameter storage: the weights' dtype; Float32 by default (bf16 halves the file; see
    ///   docs/evaluator.md for its measured effect on accuracy).
    /// - Throws: ``EvaluatorError/writeFailed(path:reason:)``.
    public func save(to directory: URL, storage: DType = .float32) throws {
        let weightsURL = directory.appending(path: Self.weightsFileName)
        let configurationURL = directory.appending(path: Self.configurationFileName)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let entries = zip(network.parameterShapes, parameters).map { SafetensorsEntry($0.name, $1, storedAs: storage) }
            try SafetensorsWriter.write(entries, to: weightsURL, metadata: ["format": "pt"])
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(configuration).writeAtomically(to: configurationURL)
        } catch let error as ModelIOError {
            throw EvaluatorError.writeFailed(path: weightsURL.path(percentEncoded: false), reason: error.description)
        } catch {
            throw EvaluatorError.writeFailed(path: directory.path(percentEncoded: false), reason: ErrorText.reason(error))
        }
    }

    /// Reads an evaluator folder written by ``save(to:storage:)`` (weights in F32, BF16 or F16).
    ///
    /// - Parameter expectedSchema: when given, the folder's schema must equal it.
    /// - Throws: ``EvaluatorError/missingFile(path:)``, ``EvaluatorError/corruptedFile(path:reason:)``
    ///   (unparsable JSON or safetensors, invalid configuration values),
    ///   ``EvaluatorError/schemaMismatch(expected:found:)``, ``EvaluatorError/missingWeight(file:tensor:)``,
    ///   ``EvaluatorError/weightShapeMismatch(file:tensor:expected:found:)``,
    ///   ``EvaluatorError/nonFiniteWeight(file:tensor:)``.
    public static func load(from directory: URL, expectedSchema: AttributeSchema? = nil) throws -> ImageEvaluator {
        let configurationURL = directory.appending(path: configurationFileName)
        let weightsURL = directory.appending(path: weightsFileName)
        let configurationPath = configurationURL.path(percentEncoded: false)
        let weightsPath = weightsURL.path(percentEncoded: false)
        for path in [configurationPath, weightsPath] where !FileManager.default.fileExists(atPath: path) {
            throw EvaluatorError.missingFile(path: path)
        }
        let configuration: EvaluatorConfiguration
        do {
            configuration = try StrictConfigDecoder.decode(
                EvaluatorConfiguration.self, contentsOf: configurationURL, keys: EvaluatorConfiguration.CodingKeys.self)
        } catch let error as ModelIOError {
            throw EvaluatorError.corruptedFile(path: configurationPath, reason: error.description)
        }
        if let expectedSchema, expectedSchema != configuration.schema {
            throw EvaluatorError.schemaMismatch(
                expected: expectedSchema.attributes.map { "\($0.name)\($0.classes)" },
                found: configuration.schema.attributes.map { "\($0.name)\($0.classes)" })
        }
        var parameters: [Tensor] = []
        do {
            let file = try SafetensorsFile(url: weightsURL)
            for (name, shape) in EvaluatorNetwork(configuration: configuration).parameterShapes {
                guard file.contains(name) else { throw EvaluatorError.missingWeight(file: weightsPath, tensor: name) }
                let tensor = try file.tensor(named: name)
                guard tensor.shape == shape else {
                    throw EvaluatorError.weightShapeMismatch(file: weightsPath, tensor: name, expected: shape, found: tensor.shape)
                }
                let finite = tensor.withUnsafeBufferPointer { values in
                    var allFinite = true
                    for value in values where !value.isFinite { allFinite = false }
                    return allFinite
                }
                guard finite else { throw EvaluatorError.nonFiniteWeight(file: weightsPath, tensor: name) }
                // Own the values: the file's mapping is not kept open after loading.
                parameters.append(Tensor(shape: shape, scalars: tensor.scalars))
            }
        } catch let error as ModelIOError {
            throw EvaluatorError.corruptedFile(path: weightsPath, reason: error.description)
        }
        return ImageEvaluator(configuration: configuration, parameters: parameters)
    }
}
