import Foundation
import ModelIO
import Tensors

/// A header that names its file format's version (`"format": 1`).
protocol VersionedHeader: Decodable {
    var format: Int { get }
}

/// A safetensors file whose `__metadata__[key]` holds a JSON header (the Δ files of
/// `tokenverse learn`, the adapters of `modadapter pretrain|train`), opened with one-line errors:
/// every problem is ``PersonalizationError/malformedModulationFile(file:key:reason:)`` naming the
/// file and the key.
struct PersonalizationFile<Header: VersionedHeader> {
    let path: String
    let file: SafetensorsFile
    let header: Header

    /// Opens `url` and decodes its header; `writer` names the command that writes such files.
    /// - Throws: not safetensors, the metadata key missing, a header that is not the expected JSON,
    ///   or a format other than 1.
    init(url: URL, metadataKey: String, writer: String) throws {
        let path = url.path(percentEncoded: false)
        self.path = path
        func malformed(_ key: String, _ reason: String) -> PersonalizationError {
            .malformedModulationFile(file: path, key: key, reason: reason)
        }
        do { file = try SafetensorsFile(url: url) } catch { throw malformed("header", "not a safetensors file (\(ErrorText.reason(error)))") }
        guard let text = file.metadata[metadataKey] else {
            throw malformed("__metadata__.\(metadataKey)", "missing: not a file `\(writer)` wrote")
        }
        do { header = try JSONDecoder().decode(Header.self, from: Data(text.utf8)) } catch {
            throw malformed("__metadata__.\(metadataKey)", "not the expected JSON (\(ErrorText.json(error, in: Data(text.utf8))))")
        }
        guard header.format == 1 else { throw malformed("format", "expected 1, found \(header.format)") }
    }

    /// The error for `key` of this file.
    func malformed(_ key: String, _ reason: String) -> PersonalizationError {
        .malformedModulationFile(file: path, key: key, reason: reason)
    }

    /// The tensor `name` when the file holds it (nil when not), checked to have `shape` and finite values.
    func tensor(_ name: String, shape: [Int]) throws -> Tensor? {
        guard file.contains(name) else { return nil }
        let value = try file.tensor(named: name)
        guard value.shape == shape else { throw malformed(name, "expected shape \(shape), found \(value.shape)") }
        guard value.scalars.allSatisfy(\.isFinite) else { throw malformed(name, "holds NaN or infinite values") }
        return value
    }
}
