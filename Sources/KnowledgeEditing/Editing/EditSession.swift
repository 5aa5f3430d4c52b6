import Foundation
import ModelInterfaces
import Tensors

/// Applies, records, undoes and saves the edits made to one ``TextEncoder``.
///
/// Every edit's ``WeightDelta``s are kept in order; a parameter's current value is always
/// `base + Δ₁ + Δ₂ + …` added in that order, so undoing the last N edits recomputes the sum
/// without them and gives **bit-identical** weights to those before (no subtraction, no
/// rounding drift), while memory holds only the (usually low-rank) deltas.
///
/// Single edits with restore (EasyEdit's default) are ``apply(_:requests:label:)`` followed
/// by ``undo(_:)``; sequential (lifelong) editing keeps applying. A session made with
/// `keepsHistory: false` adds each edit's deltas into the weights and drops them: memory stays flat
/// over any number of edits, and ``undo(_:)`` and saving the edits are unavailable.
public final class EditSession {
    public enum Error: Swift.Error, CustomStringConvertible, Equatable {
        /// ``undo(_:)`` on a session that keeps no history.
        case historyNotKept(applied: Int)

        public var description: String {
            switch self {
            case let .historyNotKept(applied):
                "cannot undo: this edit session keeps no history (\(applied) edits were added into the weights)"
            }
        }
    }

    /// One applied edit.
    public struct Record {
        public var algorithm: String
        public var requests: [EditRequest]
        public var deltas: [WeightDelta]
        public var diagnostics: [EditDiagnostics]
    }

    public let encoder: any TextEncoder
    public let state: EditState
    /// The applied edits, in order (empty when the session keeps no history).
    public private(set) var records: [Record] = []
    /// Whether ``records`` keeps each edit (for undo and saving).
    public let keepsHistory: Bool
    /// Edits applied so far, kept or not.
    public private(set) var appliedCount = 0

    public init(encoder: any TextEncoder, keepsHistory: Bool = true) {
        self.encoder = encoder
        self.state = EditState(modelFingerprint: encoder.fingerprint)
        self.keepsHistory = keepsHistory
    }

    /// Runs `editor` on `requests` against the current weights and applies its deltas; the
    /// editor's progress phases are named by `label` (`request 3/10`; empty: unnamed).
    @discardableResult
    public func apply(_ editor: any KnowledgeEditor, requests: [EditRequest], label: String = "") throws -> EditResult {
        editor.progress?.label = label
        let result = try editor.edit(requests, encoder: encoder, state: state)
        try apply(Record(algorithm: type(of: editor).algorithmName, requests: requests, deltas: result.deltas, diagnostics: result.diagnostics))
        return result
    }

    /// Applies a record's deltas (e.g. one loaded from an edits file).
    /// - Throws: when a delta is malformed or non-finite (``WeightDelta/Error``), names an unknown
    ///   parameter or has the wrong shape; nothing is applied then.
    public func apply(_ record: Record) throws {
        for delta in record.deltas {
            try delta.validate()
            let shape = try encoder.parameterShape(delta.parameter)
            guard shape == delta.shape else {
                throw TextEncoderError.tensorShapeMismatch(name: delta.parameter, expected: shape, found: delta.shape)
            }
        }
        for delta in record.deltas { try encoder.setParameter(delta.parameter, delta.added(to: try encoder.parameter(delta.parameter))) }
        if keepsHistory { records.append(record) }
        appliedCount += 1
    }

    /// Undoes the last `count` edits (all of them when `count` exceeds the history).
    /// - Throws: ``Error/historyNotKept(applied:)`` when the session keeps no history and has edits.
    public func undo(_ count: Int = 1) throws {
        guard keepsHistory || appliedCount == 0 else { throw Error.historyNotKept(applied: appliedCount) }
        let removed = records.suffix(count)
        records.removeLast(min(count, records.count))
        appliedCount = records.count
        let touched = Set(removed.flatMap { $0.deltas.map(\.parameter) })
        for parameter in touched.sorted() {
            try encoder.setParameter(parameter, nil)
            let remaining = records.flatMap { $0.deltas.filter { $0.parameter == parameter } }
            guard !remaining.isEmpty else { continue }
            var value = try encoder.parameter(parameter)
            for delta in remaining { value = delta.added(to: value) }
            try encoder.setParameter(parameter, value)
        }
    }

    /// Undoes every edit: the encoder is back to its base weights.
    public func reset() throws { try undo(records.count) }
}
