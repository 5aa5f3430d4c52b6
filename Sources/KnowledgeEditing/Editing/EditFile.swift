import Foundation
import ModelIO
import Tensors

/// Saved edits: a small safetensors file holding every edit's deltas (low-rank ones as their two
/// factors), with the requests, the hyper-parameters text and the base checkpoint's fingerprint
/// in its metadata, so the edits can be re-applied to the same base model later.
///
/// Layout: tensors `edits.<i>.<j>.dense`, or `edits.<i>.<j>.left` and `.right`, for delta j of
/// edit i; `state.<name>` for each persistent ``EditState/tensors`` entry (AlphaEdit's key cache,
/// …), so a lifelong run resumes exactly; metadata `format` = `mokus-edits/1`, `base_fingerprint`, `hyperparameters` (the YAML
/// text, when given) and `edits` (JSON: per edit its algorithm, requests, and the parameter of
/// each delta). Written atomically.
public enum EditFile {
    public static let format = "mokus-edits/1"

    public enum Error: Swift.Error, CustomStringConvertible, Equatable {
        case notAnEditFile(file: String, reason: String)
        case differentBaseModel(file: String, expected: String, found: String)
        /// More edits were asked for (`apply --count`) than the file holds.
        case tooFewEdits(file: String, requested: Int, available: Int)

        public var description: String {
            switch self {
            case let .notAnEditFile(file, reason): "\(file): not a mokus edits file (\(reason))"
            case let .differentBaseModel(file, expected, found):
                "\(file): edits were made on base model \(found), but this model is \(expected)"
            case let .tooFewEdits(file, requested, available):
                "\(file): \(requested) edits were asked for, but the file holds \(available)"
            }
        }
    }

    private struct EditEntry: Codable {
        var algorithm: String
        var requests: [EditRequest]
        var parameters: [String]
    }

    /// Writes the session's edits.
    /// - Throws: ``EditSession/Error/historyNotKept(applied:)`` for a session that dropped its edits.
    public static func save(_ session: EditSession, to url: URL, hyperparameters: String? = nil) throws {
        guard session.keepsHistory || session.appliedCount == 0 else { throw EditSession.Error.historyNotKept(applied: session.appliedCount) }
        var entries: [SafetensorsEntry] = []
        var described: [EditEntry] = []
        for (i, record) in session.records.enumerated() {
            for (j, delta) in record.deltas.enumerated() {
                switch delta.value {
                case .dense(let d): entries.append(SafetensorsEntry("edits.\(i).\(j).dense", d))
                case .lowRank(let left, let right):
                    entries.append(SafetensorsEntry("edits.\(i).\(j).left", left))
                    entries.append(SafetensorsEntry("edits.\(i).\(j).right", right))
                }
            }
            described.append(EditEntry(algorithm: record.algorithm, requests: record.requests, parameters: record.deltas.map(\.parameter)))
        }
        for (name, tensor) in session.state.tensors { entries.append(SafetensorsEntry("state.\(name)", tensor)) }
        var metadata = ["format": format, "base_fingerprint": session.state.modelFingerprint,
                        "edits": String(decoding: try JSONEncoder().encode(described), as: UTF8.self)]
        if let hyperparameters { metadata["hyperparameters"] = hyperparameters }
        try SafetensorsWriter.write(entries, to: url, metadata: metadata)
    }

    /// Re-applies the edits of `url` to `session` (whose encoder must be the base model they were
    /// made on) and restores the saved persistent editor state, so editing can continue exactly
    /// where it stopped.
    ///
    /// - Parameter count: apply only the first `count` edits.
    /// - Throws: ``Error/tooFewEdits(file:requested:available:)`` when `count` is more than the
    ///   file holds; the errors of ``load(_:expectedFingerprint:)`` and ``EditSession/apply(_:)``.
    public static func resume(_ url: URL, into session: EditSession, count: Int? = nil) throws {
        let records = try load(url, expectedFingerprint: session.state.modelFingerprint)
        if let count, count > records.count {
            throw Error.tooFewEdits(file: url.path(percentEncoded: false), requested: count, available: records.count)
        }
        let file = try SafetensorsFile(url: url)
        for record in records.prefix(count ?? records.count) { try session.apply(record) }
        for name in file.names where name.hasPrefix("state.") {
            session.state.tensors[String(name.dropFirst("state.".count))] = try file.tensor(named: name)
        }
    }

    /// Reads the edits of `url` as session records, checking they were made on `fingerprint`.
    public static func load(_ url: URL, expectedFingerprint fingerprint: String) throws -> [EditSession.Record] {
        let path = url.path(percentEncoded: false)
        let file = try SafetensorsFile(url: url)
        guard file.metadata["format"] == format else {
            throw Error.notAnEditFile(file: path, reason: "metadata format is \(file.metadata["format"] ?? "missing"), expected \(format)")
        }
        guard let base = file.metadata["base_fingerprint"], let editsJSON = file.metadata["edits"],
              let described = try? JSONDecoder().decode([EditEntry].self, from: Data(editsJSON.utf8)) else {
            throw Error.notAnEditFile(file: path, reason: "metadata base_fingerprint or edits missing or malformed")
        }
        guard base == fingerprint else { throw Error.differentBaseModel(file: path, expected: fingerprint, found: base) }
        return try described.enumerated().map { i, entry in
            let deltas = try entry.parameters.enumerated().map { j, parameter -> WeightDelta in
                let prefix = "edits.\(i).\(j)"
                if file.contains("\(prefix).dense") {
                    return WeightDelta(parameter: parameter, value: .dense(try file.tensor(named: "\(prefix).dense")))
                }
                return WeightDelta(parameter: parameter, value: .lowRank(left: try file.tensor(named: "\(prefix).left"),
                                                                         right: try file.tensor(named: "\(prefix).right")))
            }
            return EditSession.Record(algorithm: entry.algorithm, requests: entry.requests, deltas: deltas, diagnostics: [])
        }
    }
}
