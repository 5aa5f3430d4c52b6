import Foundation
import ModelInterfaces
import ModelIO
import Tensors

/// The parameters of a loaded checkpoint: memory-mapped tensors in their storage type (f32, bf16
/// or f16), converted to Float32 only while an operation uses them, plus in-memory replacements
/// set by editors.
///
/// Strict loading: every parameter the architecture declares must be in the checkpoint with the
/// declared shape, and every checkpoint tensor must be a declared parameter, a tied alias, or match
/// one of the architecture's ignore rules (e.g. a Qwen2.5-VL vision tower, rotary caches).
///
/// Memory: a forward pass touches each weight once; the mapped pages count as resident memory
/// while the kernel keeps them cached, and each converted Float32 matrix lives only for its
/// product (see ``Tensor/matmul(fetching:transposeWeight:)``). Embedding lookups convert only
/// the rows they read, and very large matrices (an LM head over a 150k vocabulary) are multiplied
/// in row blocks.
final class CheckpointWeights {
    let checkpoint: SafetensorsCheckpoint
    /// Declared parameters in declaration order.
    let parameters: [ParameterInfo]
    /// Parameter name → checkpoint key (differs for tied weights).
    private let keys: [String: String]
    private var replacements: [String: Tensor] = [:]
    /// Largest weight (in values) converted to Float32 in one piece; larger `[out, in]` weights
    /// are multiplied in row blocks of about this many values.
    var blockElements = 1 << 24

    /// - Parameters:
    ///   - declared: parameter names and shapes the architecture needs.
    ///   - tied: parameter → the parameter whose tensor it shares (e.g. `lm_head.weight` →
    ///     `model.embed_tokens.weight`); a tied parameter may be absent from the checkpoint.
    ///   - ignored: checkpoint tensors the architecture skips without loading.
    ///   - alternativeKey: another spelling to try for a parameter the checkpoint lacks (GPT-2
    ///     files saved without the `transformer.` prefix).
    init(checkpoint: SafetensorsCheckpoint, declared: [(String, [Int])], tied: [String: String] = [:],
         ignored: (String) -> Bool, alternativeKey: (String) -> String? = { _ in nil }) throws {
        self.checkpoint = checkpoint
        let path = checkpoint.directory.path(percentEncoded: false)
        var keys: [String: String] = [:], parameters: [ParameterInfo] = []
        for (name, shape) in declared {
            let candidates = [name, alternativeKey(name), tied[name], tied[name].flatMap(alternativeKey)].compactMap { $0 }
            let key = candidates.first { checkpoint.contains($0) } ?? name
            guard checkpoint.contains(key) else { throw TextEncoderError.missingTensor(directory: path, name: name) }
            let info = try checkpoint.info(named: key)
            guard let dtype = info.dtype.floatStorage else {
                throw TextEncoderError.unsupportedTensorType(name: key, dtype: info.dtype.rawValue)
            }
            guard info.shape == shape else {
                throw TextEncoderError.tensorShapeMismatch(name: key, expected: shape, found: info.shape)
            }
            keys[name] = key
            parameters.append(ParameterInfo(name: name, shape: shape, dtype: dtype))
        }
        let used = Set(keys.values)
        for name in checkpoint.names where !used.contains(name) && !ignored(name) {
            // A tied alias that is also stored (transformers ties it at load) is tolerated.
            if tied[name] != nil || tied[alternativeKey(name) ?? ""] != nil { continue }
            throw TextEncoderError.unexpectedTensor(directory: path, name: name)
        }
        self.keys = keys
        self.parameters = parameters
    }

    func info(_ name: String) throws -> ParameterInfo {
        guard let info = parameters.first(where: { $0.name == name }) else {
            throw TextEncoderError.unknownParameter(name: name, suggestion: closest(name))
        }
        return info
    }

    /// The current Float32 value of a parameter (replacement, or converted from the checkpoint).
    func value(_ name: String) throws -> Tensor {
        if let replacement = replacements[name] { return replacement }
        guard let key = keys[name] else { throw TextEncoderError.unknownParameter(name: name, suggestion: closest(name)) }
        return try checkpoint.tensor(named: key)
    }

    /// The value of a parameter the architecture declared (validated at load).
    func declared(_ name: String) -> Tensor {
        do { return try value(name) } catch {
            preconditionFailure("CheckpointWeights: declared parameter \(name) unreadable after validation: \(error)")
        }
    }

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
    func key(of name: String) -> String? { keys[name] }

    /// Rows `ids` of a `[rows, width]` parameter, converting only those rows.
    func rows(_ name: String, _ ids: [Int]) throws -> Tensor {
        let info = try info(name)
        let (count, width) = (info.shape[0], info.shape[1])
        for id in ids where id < 0 || id >= count { throw TextEncoderError.tokenOutOfRange(id: id, vocabularySize: count) }
        if let replacement = replacements[name] { return replacement.indexSelect(axis: 0, ids) }
        let bytes = try checkpoint.rawBytes(named: keys[name]!)
        let rowBytes = width * info.dtype.byteSize
        return Tensor(shape: [ids.count, width]) { buffer in
            for (i, id) in ids.enumerated() {
                info.dtype.decode(bytes.baseAddress! + id * rowBytes, count: width, into: buffer.baseAddress! + i * width)
            }
        }
    }

    /// `x · Wᵀ` for a `[out, in]` weight, or `x · W` for `[in, out]` (`transposed: false`),
    /// with the weight converted per use (and again in the backward pass). A replacement that is
    /// a tape variable is used directly, so its gradient flows.
    func product(_ x: Tensor, _ name: String, transposed: Bool = true) -> Tensor {
        if let replacement = replacements[name], replacement.isTracked {
            return x.matmul(replacement, transposeOther: transposed)
        }
        let info = parameters.first { $0.name == name }!
        // Float32 weights are borrowed from the mapping without conversion: no need to block.
        if transposed && info.dtype != .float32 && info.shape.elementCount > blockElements && !x.isTracked {
            return blockedProduct(x, name, info: info)
        }
        return x.matmul(fetching: { [unowned self] in self.declared(name) }, transposeWeight: transposed)
    }

    /// `x · Wᵀ` for a large `[out, in]` weight, converting `blockElements` at a time.
    private func blockedProduct(_ x: Tensor, _ name: String, info: ParameterInfo) -> Tensor {
        let (outCount, inCount) = (info.shape[0], info.shape[1])
        let rowsPerBlock = Swift.max(1, blockElements / inCount)
        let flat = x.reshaped([-1, inCount])
        var pieces: [Tensor] = []
        var start = 0
        while start < outCount {
            let end = Swift.min(outCount, start + rowsPerBlock)
            let block = replacements[name]?.slice(axis: 0, start..<end) ?? rowsOfCheckpoint(name, info: info, start..<end)
            pieces.append(flat.matmul(block, transposeOther: true))
            start = end
        }
        return Tensor.concat(pieces, axis: 1).reshaped(Array(x.shape.dropLast()) + [outCount])
    }

    private func rowsOfCheckpoint(_ name: String, info: ParameterInfo, _ range: Range<Int>) -> Tensor {
        let width = info.shape[1]
        let bytes: UnsafeRawBufferPointer
        do { bytes = try checkpoint.rawBytes(named: keys[name]!) } catch {
            preconditionFailure("CheckpointWeights: declared parameter \(name) unreadable after validation: \(error)")
        }
        let start = bytes.baseAddress! + range.lowerBound * width * info.dtype.byteSize
        return Tensor(shape: [range.count, width]) { buffer in
            info.dtype.decode(start, count: range.count * width, into: buffer.baseAddress!)
        }
    }

    private func closest(_ name: String) -> String? {
        EditDistance.suggestions(for: name, among: parameters.map(\.name), limit: 1).first
    }
}
