import Foundation
import ModelIO
import Tensors

/// The weights of one diffusers component folder (`transformer/`, `vae/`): memory-mapped
/// safetensors (`diffusion_pytorch_model.safetensors`, or shards listed by
/// `diffusion_pytorch_model.safetensors.index.json`) kept in their storage type and converted to
/// Float32 each time a layer asks for one (Float32 files are borrowed from the mapping, not copied).
///
/// Loading is strict, through ModelIO's ``StrictCheckpoint`` (as the text encoders load): every
/// declared parameter must be present with its declared shape, and every tensor in the files must
/// be declared.
public final class ComponentWeights {
    /// Declared parameter name → shape.
    public let shapes: [String: [Int]]
    private let stored: StrictCheckpoint

    /// Opens the safetensors of `directory` and checks them against `declared` (name, shape) pairs.
    ///
    /// - Throws: the strict loading errors of ``StrictCheckpoint``
    ///   (``ModelIOError/missingTensor(directory:name:)``, ``ModelIOError/unexpectedTensor(directory:name:)``,
    ///   ``ModelIOError/tensorShapeMismatch(name:expected:found:)``,
    ///   ``ModelIOError/notConvertibleToFloat(file:tensor:dtype:)``), or another ``ModelIOError`` for
    ///   unreadable or malformed files.
    public init(directory: URL, declared: [(String, [Int])]) throws {
        stored = try StrictCheckpoint(directory: directory, declared: declared)
        shapes = Dictionary(stored.parameters.map { ($0.name, $0.shape) }, uniquingKeysWith: { first, _ in first })
    }

    /// The component folder.
    public var directory: URL { stored.directory }

    /// A digest identifying the weights (``SafetensorsCheckpoint/fingerprint``: names, sizes,
    /// headers and sampled data of the files), cheap at any size.
    public var fingerprint: String { stored.checkpoint.fingerprint }

    /// Declared parameter `name` as Float32.
    ///
    /// - Precondition: `name` was declared (loading checked that it is present and convertible).
    public func tensor(_ name: String) -> Tensor {
        guard let parameter = stored.parameter(named: name) else {
            preconditionFailure("ComponentWeights: \"\(name)\" was not declared")
        }
        return stored.tensor(parameter)
    }
}
