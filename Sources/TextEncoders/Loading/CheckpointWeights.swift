import Foundation
import ModelInterfaces
import ModelIO
import Tensors

/// The parameters of a loaded checkpoint: memory-mapped tensors in their storage type (f32, bf16
/// or f16), converted to Float32 only while an operation uses them, plus in-memory replacements
/// set by editors.
///
/// Strict loading (ModelIO's ``StrictCheckpoint``, shared with the generators): every parameter
/// the architecture declares must be in the checkpoint with the declared shape, and every
/// checkpoint tensor must be a declared parameter, a tied alias, or match one of the
/// architecture's ignore rules (e.g. a Qwen2.5-VL vision tower, rotary caches).
///
/// Memory: a forward pass touches each weight once; the mapped pages count as resident memory
/// while the kernel keeps them cached, and each converted Float32 matrix lives only for its
/// product (see ``Tensor/matmul(fetching:transposeWeight:)``); bf16/f16 weights are multiplied
/// in row blocks converted into one reused buffer (``Tensor/matmul(stored:transposeWeight:)``), so
/// no Float32 copy of them is made at all. Embedding lookups convert only the rows they read.
final class CheckpointWeights {
    private let stored: StrictCheckpoint
    /// Declared parameters in declaration order.
    let parameters: [ParameterInfo]
    private var replacements: [String: Tensor] = [:]
    /// Values of a bf16/f16 weight converted to Float32 at a time when it is multiplied
    /// (``StoredMatrix/blockElements``): 8 MB of Float32, converted and multiplied while in cache.
    var blockElements = 1 << 21

    /// - Parameters: as ``StrictCheckpoint/init(checkpoint:declared:tied:ignored:alternativeKey:)``.
    /// - Throws: the strict loading errors of ``StrictCheckpoint`` (`ModelIOError`).
    init(checkpoint: SafetensorsCheckpoint, declared: [(String, [Int])], tied: [String: String] = [:],
         ignored: (String) -> Bool, alternativeKey: (String) -> String? = { _ in nil }) throws {
        stored = try StrictCheckpoint(
            checkpoint: checkpoint, declared: declared, tied: tied, ignored: ignored, alternativeKey: alternativeKey)
        parameters = stored.parameters.map { ParameterInfo(name: $0.name, shape: $0.shape, dtype: $0.dtype) }
    }

    /// The mapped checkpoint.
    var checkpoint: SafetensorsCheckpoint { stored.checkpoint }

    func info(_ name: String) throws -> ParameterInfo {
        let parameter = try declaredParameter(name)
        return ParameterInfo(name: parameter.name, shape: parameter.shape, dtype: parameter.dtype)
    }

    /// The current Float32 value of a parameter (replacement, or converted from the checkpoint).
    func value(_ name: String) throws -> Tensor {
        current(try declaredParameter(name))
    }

    /// The value of a parameter the architecture declared.
    /// - Throws: ``TextEncoderError/unknownParameter(name:suggestion:)`` for a name it did not declare.
    func declared(_ name: String) throws -> Tensor { try value(name) }

    /// Sets (or with `nil` clears) a replacement value.
    func replace(_ name: String, with value: Tensor?) throws {
        let info = try info(name)
        if let value, value.shape != info.shape {
            throw TextEncoderError.tensorShapeMismatch(name: name, expected: info.shape, found: value.shape)
        }
        replacements[name] = value
    }

    /// Names with a replacement.
    var replacedNames: [String] { replacements.keys.sorted() }

    /// Checkpoint key of a declared parameter.
    func key(of name: String) -> String? { stored.parameter(named: name)?.key }

    /// Rows `ids` of a `[rows, width]` parameter, converting only those rows.
    func rows(_ name: String, _ ids: [Int]) throws -> Tensor {
        let parameter = try declaredParameter(name)
        let count = parameter.shape[0]
        for id in ids where id < 0 || id >= count { throw TextEncoderError.tokenOutOfRange(id: id, vocabularySize: count) }
        if let replacement = replacements[name] { return replacement.indexSelect(axis: 0, ids) }
        return stored.rows(parameter, ids)
    }

    /// `x · Wᵀ` for a `[out, in]` weight, or `x · W` for `[in, out]` (`transposed: false`).
    /// A replacement that is a tape variable is used directly, so its gradient flows; other
    /// replacements and Float32 weights are used as they are; bf16/f16 weights are converted
    /// `blockElements` values at a time into one reused buffer, in the forward product and again
    /// in the backward one (``Tensor/matmul(stored:transposeWeight:)``).
    /// - Throws: ``TextEncoderError/unknownParameter(name:suggestion:)`` for a name the
    ///   architecture did not declare.
    func product(_ x: Tensor, _ name: String, transposed: Bool = true) throws -> Tensor {
        if let replacement = replacements[name], replacement.isTracked {
            return x.matmul(replacement, transposeOther: transposed)
        }
        let parameter = try declaredParameter(name)
        if replacements[name] == nil, parameter.dtype != .float32, var matrix = stored.matrix(parameter) {
            matrix.blockElements = blockElements
            return x.matmul(stored: matrix, transposeWeight: transposed)
        }
        return x.matmul(fetching: { [unowned self] in self.current(parameter) }, transposeWeight: transposed)
    }

    /// The first declared parameter (in declaration order) whose current value holds NaN or
    /// infinity, or `nil`. Reads every weight: for naming the culprit once a pass went non-finite.
    func firstNonFiniteParameter() -> String? {
        stored.parameters.first { current($0).firstNonFiniteIndex != nil }?.name
    }

    /// The replacement of a declared parameter, or its checkpoint value.
    private func current(_ parameter: StrictCheckpoint.Parameter) -> Tensor {
        replacements[parameter.name] ?? stored.tensor(parameter)
    }

    private func declaredParameter(_ name: String) throws -> StrictCheckpoint.Parameter {
        guard let parameter = stored.parameter(named: name) else {
            throw TextEncoderError.unknownParameter(
                name: name, suggestion: EditDistance.suggestions(for: name, among: parameters.map(\.name), limit: 1).first)
        }
        return parameter
    }
}
