/// Where a ``SecondMoment`` comes from: the model, module, corpus and budget it was computed
/// with, and which shard it covers. Stored as a statistics file's `__metadata__` (see
/// `docs/statistics.md`); everything a consumer must check before reusing the numbers.
public struct StatisticsProvenance: Sendable, Hashable {
    /// ``TextEncoder/fingerprint`` of the model.
    public var modelFingerprint: String
    /// The module whose input was measured (e.g. `model.layers.4.mlp.down_proj`).
    public var module: String
    /// SHA-256 of the corpus file; for imported statistics, of the imported file.
    public var corpusSHA256: String
    /// ``TextCorpus/Format/description`` (`lines`, `jsonl:text`), or `npz` for imported statistics.
    public var corpusFormat: String
    /// The budget; `nil` when unknown (imported statistics).
    public var budget: StatisticsBudget?
    /// Documents that contributed at least one token; `nil` when unknown (imported statistics).
    public var documentCount: Int?
    /// The shard covered, `nil` for the whole budget.
    public var shard: StatisticsShard?

    public init(modelFingerprint: String, module: String, corpusSHA256: String, corpusFormat: String,
                budget: StatisticsBudget?, documentCount: Int?, shard: StatisticsShard?) {
        self.modelFingerprint = modelFingerprint
        self.module = module
        self.corpusSHA256 = corpusSHA256
        self.corpusFormat = corpusFormat
        self.budget = budget
        self.documentCount = documentCount
        self.shard = shard
    }

    /// What identifies these statistics in a cache (everything but the shard and the counts).
    public var key: StatisticsKey {
        StatisticsKey(modelFingerprint: modelFingerprint, module: module, corpusSHA256: corpusSHA256,
                      corpusFormat: corpusFormat, budget: budget)
    }
}

/// The identity of a statistic: model, module, corpus and budget. Equal keys mean
/// interchangeable statistics.
public struct StatisticsKey: Sendable, Hashable {
    public var modelFingerprint: String
    public var module: String
    public var corpusSHA256: String
    public var corpusFormat: String
    public var budget: StatisticsBudget?

    public init(modelFingerprint: String, module: String, corpusSHA256: String, corpusFormat: String,
                budget: StatisticsBudget?) {
        self.modelFingerprint = modelFingerprint
        self.module = module
        self.corpusSHA256 = corpusSHA256
        self.corpusFormat = corpusFormat
        self.budget = budget
    }

    /// The metadata entries that make up the key, by metadata name, in a fixed order.
    var fields: [(String, String)] {
        [
            ("model_fingerprint", modelFingerprint), ("module", module), ("corpus_sha256", corpusSHA256),
            ("corpus_format", corpusFormat),
            ("max_tokens", StatisticsMetadata.limit(budget.map { $0.maxTokens })),
            ("max_documents", StatisticsMetadata.limit(budget.map { $0.maxDocuments })),
            ("max_length", StatisticsMetadata.limit(budget.map { $0.maxLength })),
        ]
    }
}

/// The `__metadata__` of a statistics file: string keys and values (see `docs/statistics.md`).
enum StatisticsMetadata {
    static let format = "mokus-mom2/1"
    static let unknown = "unknown"
    static let unlimited = "none"

    /// A budget limit as written: the number, `none` for no limit, `unknown` for no budget.
    static func limit(_ value: Int??) -> String {
        switch value {
        case .none: unknown
        case .some(.none): unlimited
        case .some(.some(let number)): "\(number)"
        }
    }

    /// The metadata of `provenance` for a sum over `tokenCount` tokens stored as `dtype`.
    static func encode(_ provenance: StatisticsProvenance, tokenCount: Int, dtype: String) -> [String: String] {
        var metadata = Dictionary(uniqueKeysWithValues: provenance.key.fields)
        metadata["format"] = format
        metadata["token_count"] = "\(tokenCount)"
        metadata["document_count"] = provenance.documentCount.map { "\($0)" } ?? unknown
        metadata["shard"] = provenance.shard?.description ?? "all"
        metadata["dtype"] = dtype
        return metadata
    }

    /// The provenance and token count in `metadata` of the file at `path`.
    ///
    /// - Throws: ``StatisticsError/notAStatisticsFile(file:reason:)`` naming the first missing or
    ///   invalid entry.
    static func decode(_ metadata: [String: String], path: String) throws -> (StatisticsProvenance, tokenCount: Int) {
        func value(_ key: String) throws -> String {
            guard let value = metadata[key] else {
                throw StatisticsError.notAStatisticsFile(file: path, reason: "metadata has no \"\(key)\"")
            }
            return value
        }
        func invalid(_ key: String, _ expected: String) throws -> Never {
            throw StatisticsError.notAStatisticsFile(
                file: path, reason: "metadata \"\(key)\" is \"\(metadata[key] ?? "")\", expected \(expected)")
        }
        func count(_ key: String) throws -> Int {
            guard let number = Int(try value(key)), number >= 0 else { try invalid(key, "a count ≥ 0") }
            return number
        }
        func limit(_ key: String) throws -> Int?? {
            switch try value(key) {
            case unknown: return .none
            case unlimited: return .some(.none)
            case let text:
                guard let number = Int(text), number >= 1 else {
                    try invalid(key, "a positive number, none or unknown")
                }
                return .some(number)
            }
        }
        guard try value("format") == format else { try invalid("format", "\"\(format)\"") }
        let limits = (try limit("max_tokens"), try limit("max_documents"), try limit("max_length"))
        let budget: StatisticsBudget?
        switch limits {
        case (.none, .none, .none): budget = nil
        case let (.some(tokens), .some(documents), .some(.some(length))):
            budget = StatisticsBudget(maxTokens: tokens, maxDocuments: documents, maxLength: length)
        default: try invalid("max_length", "a number, with max_tokens and max_documents known (or all three unknown)")
        }
        let shardText = try value("shard")
        let shard: StatisticsShard?
        do { shard = shardText == "all" ? nil : try StatisticsShard(parsing: shardText) } catch {
            try invalid("shard", "\"i/n\" or \"all\"")
        }
        let documents = try value("document_count") == unknown ? nil : try count("document_count")
        let provenance = StatisticsProvenance(
            modelFingerprint: try value("model_fingerprint"), module: try value("module"),
            corpusSHA256: try value("corpus_sha256"), corpusFormat: try value("corpus_format"),
            budget: budget, documentCount: documents, shard: shard)
        return (provenance, try count("token_count"))
    }
}
