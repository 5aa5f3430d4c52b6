import Foundation
import Tensors

/// A checkpoint opened against the parameters a model declares, strictly: every declared
/// parameter must be stored, in a float type (F32, BF16, F16) and with its declared shape, and
/// every stored tensor must be a declared parameter, a tied alias, or one the model ignores.
/// The text encoders' and the generators' loaders both read their weights through it, so they
/// accept and refuse the same checkpoints with the same errors.
///
/// After loading, reading a declared parameter cannot fail: ``tensor(_:)`` converts it to
/// Float32 on each call (F32 tensors are borrowed from the mapping, not copied) and
/// ``rows(_:_:)`` converts only the rows asked for.
///
/// ```swift
/// let weights = try StrictCheckpoint(directory: url, declared: [("proj.weight", [16, 8])])
/// let proj = weights.parameters[0]
/// let w = weights.tensor(proj)   // [16, 8] Float32
/// ```
package final class StrictCheckpoint {
    /// One declared parameter, as the checkpoint stores it.
    package struct Parameter: Sendable {
        /// The model's name for it.
        package let name: String
        /// The checkpoint key it is read from (differs from ``name`` for a tied parameter or an
        /// alternative spelling).
        package let key: String
        package let shape: [Int]
        /// Its storage type (F32, BF16 or F16).
        package let dtype: DType
        let file: SafetensorsFile
        let info: SafetensorsTensorInfo
    }

    /// The mapped files.
    package let checkpoint: SafetensorsCheckpoint
    /// Declared parameters, in declaration order.
    package let parameters: [Parameter]
    private let indexByName: [String: Int]

    /// Checks `checkpoint` against the declared parameters.
    ///
    /// - Parameters:
    ///   - declared: parameter names and shapes the model needs.
    ///   - tied: parameter → the parameter whose tensor it shares (e.g. `lm_head.weight` →
    ///     `model.embed_tokens.weight`); a tied parameter may be absent from the checkpoint, and
    ///     a stored copy of it is tolerated.
    ///   - ignored: stored tensors the model skips without loading (a vision tower, rotary caches).
    ///   - alternativeKey: another spelling to try for a parameter the checkpoint lacks (GPT-2
    ///     files saved without the `transformer.` prefix).
    /// - Throws: ``ModelIOError/missingTensor(directory:name:)``,
    ///   ``ModelIOError/notConvertibleToFloat(file:tensor:dtype:)``,
    ///   ``ModelIOError/tensorShapeMismatch(name:expected:found:)``,
    ///   ``ModelIOError/unexpectedTensor(directory:name:)``, in declaration order, then in the
    ///   checkpoint's name order.
    package init(
        checkpoint: SafetensorsCheckpoint, declared: [(String, [Int])], tied: [String: String] = [:],
        ignored: (String) -> Bool = { _ in false }, alternativeKey: (String) -> String? = { _ in nil }
    ) throws {
        self.checkpoint = checkpoint
        let directory = checkpoint.directory.path(percentEncoded: false)
        var parameters: [Parameter] = []
        for (name, shape) in declared {
            let candidates = [name, alternativeKey(name), tied[name], tied[name].flatMap(alternativeKey)].compactMap { $0 }
            guard let key = candidates.first(where: checkpoint.contains) else {
                throw ModelIOError.missingTensor(directory: directory, name: name)
            }
            let file = try checkpoint.file(containing: key)
            let info = try file.info(named: key)
            guard let dtype = info.dtype.floatStorage else {
                throw ModelIOError.notConvertibleToFloat(file: file.path, tensor: key, dtype: info.dtype.rawValue)
            }
            guard info.shape == shape else {
                throw ModelIOError.tensorShapeMismatch(name: key, expected: shape, found: info.shape)
            }
            parameters.append(Parameter(name: name, key: key, shape: shape, dtype: dtype, file: file, info: info))
        }
        let used = Set(parameters.map(\.key))
        for name in checkpoint.names where !used.contains(name) && !ignored(name) {
            // A tied alias that is also stored (transformers ties it at load) is tolerated.
            if tied[name] != nil || tied[alternativeKey(name) ?? ""] != nil { continue }
            throw ModelIOError.unexpectedTensor(directory: directory, name: name)
        }
        self.parameters = parameters
        indexByName = Dictionary(parameters.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Opens the safetensors of `directory` (see ``SafetensorsCheckpoint/init(directory:)``) and
    /// checks them against the declared parameters, none tied or ignored.
    package convenience init(directory: URL, declared: [(String, [Int])]) throws {
        try self.init(checkpoint: SafetensorsCheckpoint(directory: directory), declared: declared)
    }

    /// The checkpoint folder.
    package var directory: URL { checkpoint.directory }

    /// The declared parameter `name`, or `nil` when the model declared no such parameter.
    package func parameter(named name: String) -> Parameter? {
        indexByName[name].map { parameters[$0] }
    }

    /// The parameter as Float32, converted from its storage type.
    /// - Complexity: O(element count); reads only this tensor's bytes.
    package func tensor(_ parameter: Parameter) -> Tensor {
        parameter.file.tensor(of: parameter.info, storage: parameter.dtype)
    }

    /// A 2-D parameter as a ``StoredMatrix`` over its mapped bytes (converted block by block when
    /// multiplied); `nil` when it is empty.
    /// - Precondition: the parameter is 2-D.
    package func matrix(_ parameter: Parameter) -> StoredMatrix? {
        guard let bytes = parameter.file.rawBytes(of: parameter.info).baseAddress, parameter.shape.elementCount > 0 else { return nil }
        return StoredMatrix(rows: parameter.shape[0], columns: parameter.shape[1], dtype: parameter.dtype, bytes: bytes, owner: parameter.file.mapping)
    }

    /// Rows `ids` of a `[rows, width]` parameter as a `[ids.count, width]` Float32 tensor,
    /// converting only those rows.
    /// - Precondition: the parameter is 2-D and every id is in `0..<rows` (callers check the ids
    ///   they were given).
    package func rows(_ parameter: Parameter, _ ids: [Int]) -> Tensor {
        let width = parameter.shape[1], rowBytes = width * parameter.dtype.byteSize
        let bytes = parameter.file.rawBytes(of: parameter.info)
        return Tensor(shape: [ids.count, width]) { buffer in
            guard let source = bytes.baseAddress, let target = buffer.baseAddress else { return }
            for (i, id) in ids.enumerated() {
                parameter.dtype.decode(source + id * rowBytes, count: width, into: target + i * width)
            }
        }
    }
}
