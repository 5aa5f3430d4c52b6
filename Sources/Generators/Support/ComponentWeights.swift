import Foundation
import ModelIO
import Tensors

/// The weights of one diffusers component folder (`transformer/`, `vae/`): memory-mapped
/// safetensors (`diffusion_pytorch_model.safetensors`, or shards listed by
/// `diffusion_pytorch_model.safetensors.index.json`) kept in their storage type and converted to
/// Float32 each time a layer asks for one (Float32 files are borrowed from the mapping, not copied).
///
/// Loading is strict: every declared parameter must be present with its declared shape, and every
/// tensor in the files must be declared.
public final class ComponentWeights {
    /// The component folder.
    public let directory: URL
    /// Declared parameter name → shape.
    public let shapes: [String: [Int]]
    private let checkpoint: SafetensorsCheckpoint

    /// Opens the safetensors of `directory` and checks them against `declared` (name, shape) pairs.
    ///
    /// - Throws: ``GeneratorError/missingTensor(directory:name:)``,
    ///   ``GeneratorError/unexpectedTensor(directory:name:)``,
    ///   ``GeneratorError/tensorShapeMismatch(name:expected:found:)``,
    ///   ``GeneratorError/unsupportedTensorType(name:dtype:)``, or a ``ModelIOError`` for unreadable
    ///   or malformed files.
    public init(directory: URL, declared: [(String, [Int])]) throws {
        self.directory = directory
        let path = directory.path(percentEncoded: false)
        checkpoint = try SafetensorsCheckpoint(directory: directory)
        var shapes: [String: [Int]] = [:]
        for (name, shape) in declared {
            guard checkpoint.contains(name) else { throw GeneratorError.missingTensor(directory: path, name: name) }
            let info = try checkpoint.info(named: name)
            guard info.dtype.floatStorage != nil else {
                throw GeneratorError.unsupportedTensorType(name: name, dtype: info.dtype.rawValue)
            }
            guard info.shape == shape else {
                throw GeneratorError.tensorShapeMismatch(name: name, expected: shape, found: info.shape)
            }
            shapes[name] = shape
        }
        if let extra = checkpoint.names.first(where: { shapes[$0] == nil }) {
            throw GeneratorError.unexpectedTensor(directory: path, name: extra)
        }
        self.shapes = shapes
    }

    /// Declared parameter `name` as Float32.
    ///
    /// - Precondition: `name` was declared (loading checked that it is present and convertible).
    public func tensor(_ name: String) -> Tensor {
        precondition(shapes[name] != nil, "ComponentWeights: \"\(name)\" was not declared")
        // Declared tensors were checked at init: present, convertible, right shape.
        return try! checkpoint.tensor(named: name)
    }
}
