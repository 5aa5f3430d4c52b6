import Foundation
import ModelIO
import Tensors

/// The second moment of one module's input (``SecondMoment``) with its ``StatisticsProvenance``:
/// what MEMIT and AlphaEdit need as C, and what `mokus stats` computes, merges, imports and
/// stores.
///
/// ```swift
/// let corpus = TextCorpus(url: wikiURL, format: .jsonl(field: "text"))
/// let statistics = try LayerStatistics.compute(
///     encoder: encoder, module: "model.layers.4.mlp.down_proj", corpus: corpus,
///     budget: StatisticsBudget(maxTokens: 100_000))
/// try statistics.write(to: url)
/// let moment = try LayerStatistics.load(url: url, expectedFingerprint: encoder.fingerprint,
///                                      module: "model.layers.4.mlp.down_proj")
/// let c = moment.mean   // d×d Float32
/// ```
///
/// ### File format
/// A safetensors file with one tensor `sum` (F64 or F32, d×d: Σ k kᵀ) and `__metadata__`
/// holding the provenance (`format: mokus-mom2/1`, `model_fingerprint`, `module`,
/// `corpus_sha256`, `corpus_format`, `token_count`, `document_count`, `shard`, `max_tokens`,
/// `max_documents`, `max_length`, `dtype`); see `docs/statistics.md`. Files are written to a
/// temporary file and renamed, never left half-written.
///
/// ### See Also
/// - ``compute(encoder:module:corpus:budget:batching:shard:progress:)``, ``merge(_:)``,
///   ``importNPZ(url:)``, ``StatisticsCache``.
public struct LayerStatistics: Sendable {
    /// How ``write(to:dtype:)`` stores the sum.
    public enum SumType: String, Sendable, CaseIterable {
        /// Float64: exact for merging partials; 8·d² bytes.
        case float64 = "F64"
        /// Float32: half the size (EasyEdit's `mom2_dtype: float32`); fine for a final C.
        case float32 = "F32"
    }

    public var moment: SecondMoment
    public var provenance: StatisticsProvenance

    public init(moment: SecondMoment, provenance: StatisticsProvenance) {
        self.moment = moment
        self.provenance = provenance
    }

    // MARK: Writing and reading

    /// Writes the statistics file `url` atomically (temporary file, then rename).
    ///
    /// - Throws: `ModelIOError.writeFailed` when the file cannot be written.
    /// - Complexity: O(d²); the Float64 sum is written without a copy.
    public func write(to url: URL, dtype: SumType = .float64) throws {
        let metadata = StatisticsMetadata.encode(provenance, tokenCount: moment.count, dtype: dtype.rawValue)
        let d = moment.dimension
        switch dtype {
        case .float64:
            try moment.sum.withUnsafeBytes { bytes in
                // Borrowed for the duration of the write.
                guard let base = bytes.baseAddress else { throw StatisticsError.emptyStatistics(file: url.path) }
                let start = UnsafeMutableRawPointer(mutating: base)
                let data = Data(bytesNoCopy: start, count: bytes.count, deallocator: .none)
                let entry = try SafetensorsEntry("sum", dtype: .float64, shape: [d, d], bytes: data)
                try SafetensorsWriter.write([entry], to: url, metadata: metadata)
            }
        case .float32:
            let values = Tensor(shape: [d, d]) { buffer in
                for i in 0..<buffer.count { buffer[i] = Float(moment.sum[i]) }
            }
            try SafetensorsWriter.write([SafetensorsEntry("sum", values)], to: url, metadata: metadata)
        }
    }

    /// Reads a statistics file, whatever its model, module or shard.
    ///
    /// - Throws: `ModelIOError` for a broken safetensors file;
    ///   ``StatisticsError/notAStatisticsFile(file:reason:)`` when the metadata or the `sum`
    ///   tensor is missing or invalid.
    public static func read(from url: URL) throws -> LayerStatistics {
        let file = try SafetensorsFile(url: url)
        let path = file.path
        let (provenance, tokenCount) = try StatisticsMetadata.decode(file.metadata, path: path)
        guard file.names == ["sum"] else {
            throw StatisticsError.notAStatisticsFile(
                file: path, reason: "expected exactly one tensor \"sum\", found \(file.names)")
        }
        let info = try file.info(named: "sum")
        guard info.shape.count == 2, info.shape[0] == info.shape[1] else {
            throw StatisticsError.notAStatisticsFile(
                file: path, reason: "tensor \"sum\" has shape \(info.shape), expected [d, d]")
        }
        let bytes = try file.rawBytes(named: "sum")
        let sum: [Double]
        switch info.dtype {
        case .float64:
            sum = (0..<info.elementCount).map {
                Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)))
            }
        case .float32:
            sum = (0..<info.elementCount).map {
                let bits = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))
                return Double(Float(bitPattern: bits))
            }
        default:
            throw StatisticsError.notAStatisticsFile(
                file: path, reason: "tensor \"sum\" is stored as \(info.dtype.rawValue), expected F64 or F32")
        }
        let moment = SecondMoment(validatedDimension: info.shape[0], sum: sum, count: tokenCount)
        return LayerStatistics(moment: moment, provenance: provenance)
    }

    /// Reads complete statistics for `module` of the model with fingerprint
    /// `expectedFingerprint`, checking everything that makes them usable as C.
    ///
    /// - Parameter expectedDimension: the module's input width d, when known.
    /// - Throws: the errors of ``read(from:)``, then
    ///   ``StatisticsError/fingerprintMismatch(file:expected:found:)``,
    ///   ``StatisticsError/moduleMismatch(file:expected:found:)``,
    ///   ``StatisticsError/dimensionMismatch(file:expected:found:)``,
    ///   ``StatisticsError/partialStatistics(file:shard:)`` for a shard's partial sum, or
    ///   ``StatisticsError/emptyStatistics(file:)`` for a count of 0.
    public static func load(
        url: URL, expectedFingerprint: String, module: String, expectedDimension: Int? = nil
    ) throws -> SecondMoment {
        let statistics = try read(from: url)
        try statistics.check(expectedFingerprint: expectedFingerprint, module: module,
                             expectedDimension: expectedDimension, path: url.path(percentEncoded: false))
        return statistics.moment
    }

    /// The checks of ``load(url:expectedFingerprint:module:expectedDimension:)``.
    func check(expectedFingerprint: String, module: String, expectedDimension: Int?, path: String) throws {
        guard provenance.modelFingerprint == expectedFingerprint else {
            throw StatisticsError.fingerprintMismatch(
                file: path, expected: expectedFingerprint, found: provenance.modelFingerprint)
        }
        guard provenance.module == module else {
            throw StatisticsError.moduleMismatch(file: path, expected: module, found: provenance.module)
        }
        if let expectedDimension, expectedDimension != moment.dimension {
            throw StatisticsError.dimensionMismatch(file: path, expected: expectedDimension, found: moment.dimension)
        }
        if let shard = provenance.shard {
            throw StatisticsError.partialStatistics(file: path, shard: shard.description)
        }
        guard moment.count > 0 else { throw StatisticsError.emptyStatistics(file: path) }
    }
}
