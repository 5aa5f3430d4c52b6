import Foundation

/// What ``KnowledgeUpdate/run(_:query:editor:session:)`` verified, per query.
public struct KnowledgeUpdateReport: Sendable, Equatable, Codable {
    /// One query's measurements on the current weights.
    public struct Check: Sendable, Equatable, Codable {
        /// Greedy decoding of the query yields exactly the anchor's tokens.
        public var exactMatch: Bool
        /// Mean log-probability of the anchor's tokens under teacher forcing (nats per token).
        public var targetLogProbability: Float

        public init(exactMatch: Bool, targetLogProbability: Float) {
            self.exactMatch = exactMatch
            self.targetLogProbability = targetLogProbability
        }

        enum CodingKeys: String, CodingKey {
            case exactMatch = "exact_match", targetLogProbability = "target_log_probability"
        }
    }

    /// One knowledge statement.
    public struct Row: Sendable, Equatable, Codable {
        public var concept: String, knowledge: String, query: String, target: String
        public var before: Check, after: Check
    }

    public var algorithm: String
    public var rows: [Row]
    /// Wall time of each edit, in order.
    public var editSeconds: [Double]

    /// Queries answering the anchor after the update.
    public var answered: Int { rows.filter(\.after.exactMatch).count }

    enum CodingKeys: String, CodingKey {
        case algorithm, rows
        case editSeconds = "edit_seconds"
    }

    /// A fixed-width table: statement, exact match before → after, log-probability before → after.
    public var table: String {
        let width = min(max(rows.map(\.knowledge.count).max() ?? 0, 9), 48)
        func pad(_ text: String) -> String {
            let cut = text.count > width ? String(text.prefix(width - 1)) + "…" : text
            return cut.padding(toLength: width, withPad: " ", startingAt: 0)
        }
        func mark(_ check: Check) -> String { check.exactMatch ? "yes" : "no " }
        var lines = ["\(pad("knowledge"))  exact match    log p(anchor)"]
        for row in rows {
            lines.append("\(pad(row.knowledge))  \(mark(row.before)) → \(mark(row.after))     "
                         + String(format: "%7.3f → %7.3f",
                                  row.before.targetLogProbability, row.after.targetLogProbability))
        }
        lines.append("\(answered)/\(rows.count) queries answer the anchor after the update")
        return lines.joined(separator: "\n")
    }
}
