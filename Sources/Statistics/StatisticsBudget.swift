/// How much of a corpus layer statistics read. Part of a statistics file's identity: two files
/// with different budgets are different statistics.
///
/// Documents are taken in corpus order. Each is tokenized (no special tokens added) and cut to
/// its first ``maxLength`` tokens. Reading stops after ``maxDocuments`` documents, or once
/// ``maxTokens`` tokens have been taken, the last document being cut so that the total is
/// exactly ``maxTokens``; `nil` means no limit. Documents that tokenize to nothing are read
/// (and count against ``maxDocuments``) but contribute nothing.
///
/// EasyEdit's `mom2_n_samples` (100 000 articles of a shuffled Wikipedia) is a document budget
/// over a different order; this budget reads the corpus in file order, so shuffle the file to
/// sample at random.
public struct StatisticsBudget: Sendable, Hashable {
    /// The default document length in tokens: EasyEdit's cap for Qwen models. Use
    /// `min(model context, 4096)` for models with a shorter context (GPT-2: 1024).
    public static let defaultMaxLength = 4096

    /// Total tokens to take, `nil` for no limit.
    public var maxTokens: Int?
    /// Documents to read, `nil` for no limit.
    public var maxDocuments: Int?
    /// Tokens kept of each document.
    public var maxLength: Int

    public init(maxTokens: Int? = nil, maxDocuments: Int? = nil, maxLength: Int = defaultMaxLength) {
        self.maxTokens = maxTokens
        self.maxDocuments = maxDocuments
        self.maxLength = maxLength
    }

    /// - Throws: ``StatisticsError/invalidParameter(name:value:expected:)`` unless every limit is
    ///   positive.
    func validate() throws {
        for (name, value) in [("max_tokens", maxTokens), ("max_documents", maxDocuments), ("max_length", maxLength)] {
            if let value, value < 1 {
                throw StatisticsError.invalidParameter(name: name, value: "\(value)", expected: "a positive number")
            }
        }
    }
}

/// How documents are grouped into forward passes. It changes speed and memory, not the result
/// (beyond Float32 rounding): batches are summed into a Float64 total.
public struct StatisticsBatching: Sendable, Hashable {
    /// Most documents per forward pass.
    public var documents: Int
    /// Most padded tokens (documents × longest length) per forward pass; a single document
    /// longer than this gets a pass of its own.
    public var tokens: Int

    public init(documents: Int = 16, tokens: Int = 4096) {
        self.documents = documents
        self.tokens = tokens
    }

    func validate() throws {
        for (name, value) in [("batch_documents", documents), ("batch_tokens", tokens)] where value < 1 {
            throw StatisticsError.invalidParameter(name: name, value: "\(value)", expected: "a positive number")
        }
    }
}

/// One of `count` disjoint parts of a statistics computation, to spread it over processes or
/// machines: shard `index` takes the corpus documents whose number is ≡ `index` (mod `count`),
/// numbered as ``TextCorpus`` numbers them, within the same ``StatisticsBudget`` as the whole.
/// Round-robin rather than contiguous ranges balances the shards without knowing the corpus
/// length in advance. Merging the `count` partial sums gives the unsharded statistics.
public struct StatisticsShard: Sendable, Hashable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// - Throws: ``StatisticsError/invalidParameter(name:value:expected:)`` unless
    ///   `0 ≤ index < count`.
    public init(index: Int, count: Int) throws {
        guard count >= 1, index >= 0, index < count else {
            throw StatisticsError.invalidParameter(
                name: "shard", value: "\(index)/\(count)", expected: "i/n with n ≥ 1 and 0 ≤ i < n")
        }
        self.index = index
        self.count = count
    }

    /// Parses `"i/n"`.
    /// - Throws: ``StatisticsError/invalidParameter(name:value:expected:)``.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw StatisticsError.invalidParameter(name: "shard", value: text, expected: "i/n, e.g. 0/4")
        }
        try self.init(index: index, count: count)
    }

    /// `i/n`.
    public var description: String { "\(index)/\(count)" }

    /// Whether document number `document` belongs to this shard.
    public func contains(document: Int) -> Bool { document % count == index }
}
