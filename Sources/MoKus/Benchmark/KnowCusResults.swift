import Foundation

/// The deterministic result of a benchmark run (`results.json`): the run's description, every
/// record, and the summary table. Timings, which vary from run to run, are kept apart
/// (``KnowCusTimings``), so an unsharded run and merged shards write the same bytes.
public struct KnowCusResults: Codable, Sendable, Equatable {
    /// A mean over seeds with its 95% interval.
    public struct Interval: Codable, Sendable, Equatable {
        public var mean: Double
        /// t₀.₉₇₅,ₙ₋₁ · s/√n over the n per-seed values; nil for one seed.
        public var halfWidth: Double?
    }

    /// One method on one group of prompts.
    public struct Row: Codable, Sendable, Equatable {
        public var method: String
        /// "reconstruction", "generation" (the four edit kinds together), or one kind.
        public var group: String
        public var similarity: Interval?
        public var segmentedSimilarity: Interval?
        public var alignment: Interval?
        public var attributeAccuracy: Interval?
    }

    /// One η of the ablation (``KnowCusRunInfo/eta``): its row's image similarity on reconstruction
    /// and generation prompts, and its generation alignment.
    public struct EtaPoint: Codable, Sendable, Equatable {
        public var eta: Double
        public var method: String
        public var reconstructionSimilarity: Interval?
        public var generationSimilarity: Interval?
        public var generationAlignment: Interval?
    }

    public var info: KnowCusRunInfo
    public var records: [KnowCusRecord]
    public var summary: [Row]
    /// The η ablation by increasing η; nil without one.
    public var eta: [EtaPoint]? = nil

    /// The groups of the summary, in table order.
    public static let groups = ["reconstruction", "generation"] + KnowCusPromptKind.allCases.dropFirst().map(\.rawValue)

    /// Joins shard results: they must share one ``KnowCusRunInfo`` and one shard count, and hold
    /// every shard exactly once. Records are put in canonical order (unit, method, prompt), so the
    /// result does not depend on how the run was split.
    ///
    /// - Parameter shards: each shard's result with the file it came from (for errors).
    /// - Throws: ``MoKusError/shardMismatch(file:reason:)``.
    public static func merge(_ shards: [(file: String, result: KnowCusShardResult)]) throws -> (KnowCusResults, KnowCusTimings) {
        guard let first = shards.first else { throw MoKusError.shardMismatch(file: "(none)", reason: "no shard files given") }
        let count = first.result.shard.count
        var seen: [Int: String] = [:]
        for (file, result) in shards {
            guard result.info == first.result.info else {
                throw MoKusError.shardMismatch(file: file, reason: "its run (suite, methods, settings) differs from \(first.file)'s")
            }
            guard result.shard.count == count else {
                throw MoKusError.shardMismatch(file: file, reason: "it is a shard of \(result.shard.count), \(first.file) one of \(count)")
            }
            if let other = seen[result.shard.index] {
                throw MoKusError.shardMismatch(file: file, reason: "shard \(result.shard) is also in \(other)")
            }
            seen[result.shard.index] = file
        }
        if let missing = (0..<count).first(where: { seen[$0] == nil }) {
            throw MoKusError.shardMismatch(file: first.file, reason: "shard \(missing)/\(count) is missing; expected all \(count)")
        }
        let methods = first.result.info.methods
        func order(_ method: String) -> Int { methods.firstIndex(of: method) ?? methods.count }
        let records = shards.flatMap(\.result.records).sorted {
            (KnowCusUnit(concept: $0.concept, statement: $0.statement), order($0.method), $0.prompt)
                < (KnowCusUnit(concept: $1.concept, statement: $1.statement), order($1.method), $1.prompt)
        }
        let timings = shards.flatMap(\.result.timings).sorted {
            (KnowCusUnit(concept: $0.concept, statement: $0.statement), order($0.method))
                < (KnowCusUnit(concept: $1.concept, statement: $1.statement), order($1.method))
        }
        let info = first.result.info
        var results = KnowCusResults(info: info, records: records, summary: summarise(records, info: info))
        results.eta = info.eta.map { rows in
            rows.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map { method, eta in
                EtaPoint(eta: eta, method: method, reconstructionSimilarity: results.row(method, "reconstruction")?.similarity,
                         generationSimilarity: results.row(method, "generation")?.similarity,
                         generationAlignment: results.row(method, "generation")?.alignment)
            }
        }
        return (results, KnowCusTimings(timings: timings))
    }

    /// Per method and group, each score's mean over seeds and 95% interval: for seed s, x_s is the
    /// mean of the score over every record of the method and group; the row gives x̄ ± t·s_x/√n.
    static func summarise(_ records: [KnowCusRecord], info: KnowCusRunInfo) -> [Row] {
        info.methods.flatMap { method in
            groups.map { group in
                let chosen = records.filter { record in
                    record.method == method
                        && (group == record.kind.rawValue || (group == "generation" && record.kind != .reconstruction))
                }
                func interval(_ value: (KnowCusRecord) -> [Double]?) -> Interval? {
                    let rows = chosen.compactMap(value)
                    guard !rows.isEmpty else { return nil }
                    let perSeed = info.seeds.indices.map { s in rows.map { $0[s] }.reduce(0, +) / Double(rows.count) }
                    return Interval(values: perSeed)
                }
                return Row(
                    method: method, group: group, similarity: interval(\.similarity),
                    segmentedSimilarity: interval(\.segmentedSimilarity), alignment: interval(\.alignment),
                    attributeAccuracy: interval(\.attributeAccuracy))
            }
        }
    }

    /// The summary row of `method` and `group`.
    public func row(_ method: String, _ group: String) -> Row? {
        summary.first { $0.method == method && $0.group == group }
    }

    /// `results.json`: sorted keys, snake_case, pretty-printed, so equal results are equal bytes.
    public func json() throws -> Data { try KnowCusJSON.encoder.encode(self) }
}

extension KnowCusResults.Interval {
    /// Student's t quantile t₀.₉₇₅ for 1–30 degrees of freedom; 1.96 (the normal's) beyond.
    static let tQuantiles: [Double] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ]

    /// The mean of `values` (at least one) and the half-width of its 95% t-interval.
    init(values: [Double]) {
        let n = values.count
        let mean = values.reduce(0, +) / Double(n)
        var halfWidth: Double?
        if n > 1 {
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)
            let t = n - 1 <= Self.tQuantiles.count ? Self.tQuantiles[n - 2] : 1.96
            halfWidth = t * (variance / Double(n)).squareRoot()
        }
        self.init(mean: mean, halfWidth: halfWidth)
    }
}

/// Seconds per knowledge item per method (`timings.json`), in canonical order.
public struct KnowCusTimings: Codable, Sendable, Equatable {
    public var timings: [KnowCusTiming]

    /// Each method's mean seconds per item, in first-appearance order.
    public var meanSeconds: [(method: String, seconds: Double)] {
        var order: [String] = []
        var sums: [String: (Double, Int)] = [:]
        for timing in timings {
            if sums[timing.method] == nil { order.append(timing.method) }
            let (sum, count) = sums[timing.method] ?? (0, 0)
            sums[timing.method] = (sum + timing.seconds, count + 1)
        }
        return order.map { method in (method, sums[method].map { $0.0 / Double($0.1) } ?? 0) }
    }

    public func json() throws -> Data { try KnowCusJSON.encoder.encode(self) }
}

/// The benchmark's JSON conventions: snake_case keys, sorted, pretty-printed.
enum KnowCusJSON {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
