import ModelInterfaces
import Tensors

extension LayerStatistics {
    /// Computes Σ k kᵀ and the token count of `module`'s input over `corpus` (or over one shard
    /// of it): EasyEdit's `layer_stats` with count = the number of non-padding tokens.
    ///
    /// Documents are read in corpus order within `budget` (see ``StatisticsBudget``), tokenized
    /// with the encoder (no special tokens added), and grouped into right-padded batches
    /// (`batching`). Each batch is one forward pass that captures the module's input at every
    /// real token and stops after the module, so the layers above it never run; the batch's
    /// keys K add Kᵀ·K (one Float32 `sgemm`) to a Float64 total.
    ///
    /// With a `shard`, only the documents of that shard are run (see ``StatisticsShard``) and
    /// the result is a partial sum for ``merge(_:)``. Under a token budget every shard still
    /// tokenizes the documents of the others, to know where the budget ends.
    ///
    /// - Parameters:
    ///   - encoder: the model; its ``TextEncoder/fingerprint`` is recorded.
    ///   - module: a module name of ``TextEncoderInfo/moduleNames`` (e.g. the hparams'
    ///     `rewrite_module_tmp` filled with a layer).
    ///   - progress: receives a phase for hashing the corpus and one for the passes, updated
    ///     after every batch (documents read, tokens taken).
    /// - Throws: ``StatisticsError`` for an invalid budget, batching or corpus line;
    ///   `TextEncoderError.unknownModule` for a module the model lacks (before reading the
    ///   corpus); tokenizer errors.
    /// - Complexity: one pass over the corpus to hash it; per token, a forward pass up to the
    ///   module plus 2·d² flops; memory ``memoryBytes(dimension:batching:)`` (16·d² bytes and one
    ///   batch's keys; over ``ModelInterfaces/MemoryBudget`` the call throws `MemoryBudgetError`
    ///   before reading the corpus) plus one batch's activations.
    public static func compute(
        encoder: any TextEncoder, module: String, corpus: TextCorpus,
        budget: StatisticsBudget = StatisticsBudget(), batching: StatisticsBatching = StatisticsBatching(),
        shard: StatisticsShard? = nil, progress: (any ProgressReporter)? = nil
    ) throws -> LayerStatistics {
        try budget.validate()
        try batching.validate()
        let dimension = try inputWidth(of: module, in: encoder)  // an unknown module fails before any reading
        return try compute(
            encoder: encoder, module: module, dimension: dimension, corpus: corpus,
            corpusSHA256: hash(corpus, progress: progress), budget: budget, batching: batching, shard: shard,
            progress: progress)
    }

    /// ``compute(encoder:module:corpus:budget:batching:shard:progress:)`` once the module's
    /// input width and the corpus's SHA-256 are known (budget and batching already validated).
    /// Refuses first when ``memoryBytes(dimension:batching:)`` is over ``ModelInterfaces/MemoryBudget``.
    static func compute(
        encoder: any TextEncoder, module: String, dimension: Int, corpus: TextCorpus, corpusSHA256: String,
        budget: StatisticsBudget, batching: StatisticsBatching, shard: StatisticsShard?,
        progress: (any ProgressReporter)?
    ) throws -> LayerStatistics {
        try MemoryBudget.check(
            memoryBytes(dimension: dimension, batching: batching), for: "computing layer statistics of \(module) (d = \(dimension))")
        var pass = StatisticsPass(
            encoder: encoder, module: module, dimension: dimension, budget: budget, batching: batching, shard: shard)
        progress?.begin("statistics of \(module)" + (shard.map { " (shard \($0))" } ?? ""), total: budget.maxDocuments)
        defer { progress?.end() }
        try pass.run(over: corpus) { read, tokens in progress?.update(completed: read, detail: "\(tokens) tokens") }
        let provenance = StatisticsProvenance(
            modelFingerprint: encoder.fingerprint, module: module, corpusSHA256: corpusSHA256,
            corpusFormat: corpus.format.description, budget: budget, documentCount: pass.documentsUsed, shard: shard)
        return LayerStatistics(moment: pass.accumulator.moment, provenance: provenance)
    }

    /// Bytes the accumulation holds besides a forward pass: the Float64 total and one Float32 batch
    /// product (12·d²), C in Float32 at the end (4·d²), and one batch's keys (4 · tokens · d).
    static func memoryBytes(dimension d: Int, batching: StatisticsBatching) -> Int {
        MemoryBudget.sum(MemoryBudget.bytes(16, d, d), MemoryBudget.bytes(4, batching.tokens, d))
    }

    /// The corpus's SHA-256, reported as a phase (`hashing corpus <path>`); a run that reads
    /// several modules' statistics hashes its corpus once and passes the hash on.
    public static func hash(_ corpus: TextCorpus, progress: (any ProgressReporter)?) throws -> String {
        progress?.begin("hashing corpus \(corpus.path)", total: nil)
        defer { progress?.end() }
        return try corpus.sha256()
    }

    /// d, the width of `module`'s input, from a one-token pass that stops after the module.
    ///
    /// - Throws: `TextEncoderError.unknownModule` when the model has no such module.
    public static func inputWidth(of module: String, in encoder: any TextEncoder) throws -> Int {
        var hooks = ForwardHooks()
        hooks.capture(module, .input, at: [0])
        hooks.stopAfter = module
        hooks.computeLogits = false
        let output = try encoder.forward(TokenBatch([[0]]), hooks: hooks)
        guard let key = output.captures[ModulePoint(module, .input)], key.shape.count == 2, key.shape[0] == 1,
              key.shape[1] >= 1 else {
            throw StatisticsError.unexpectedCapture(
                module: module, expected: [1, -1], found: output.captures[ModulePoint(module, .input)]?.shape ?? [])
        }
        return key.shape[1]
    }
}

/// The document loop of ``LayerStatistics/compute(encoder:module:corpus:budget:batching:shard:progress:)``.
struct StatisticsPass {
    let encoder: any TextEncoder
    let module: String
    let budget: StatisticsBudget
    let batching: StatisticsBatching
    let shard: StatisticsShard?
    private(set) var accumulator: SecondMomentAccumulator
    /// Documents of this shard that contributed tokens.
    private(set) var documentsUsed = 0
    /// Token sequences waiting for the next forward pass.
    private var pending: [[Int]] = []
    private var pendingLongest = 0

    init(encoder: any TextEncoder, module: String, dimension: Int, budget: StatisticsBudget,
         batching: StatisticsBatching, shard: StatisticsShard?) {
        self.encoder = encoder
        self.module = module
        self.budget = budget
        self.batching = batching
        self.shard = shard
        accumulator = SecondMomentAccumulator(dimension: dimension)
    }

    /// Reads the corpus within the budget, running this shard's documents in batches;
    /// `report(documentsRead, tokensTaken)` follows every batch.
    mutating func run(over corpus: TextCorpus, report: (Int, Int) -> Void) throws {
        let reader = try corpus.documents()
        var tokensTaken = 0
        var documentsRead = 0
        while budget.maxDocuments.map({ documentsRead < $0 }) ?? true,
              budget.maxTokens.map({ tokensTaken < $0 }) ?? true,
              let document = try reader.next() {
            documentsRead += 1
            let isMine = shard?.contains(document: document.index) ?? true
            // Other shards' documents matter only for where a token budget ends.
            guard isMine || budget.maxTokens != nil else { continue }
            let ids = try encoder.tokenize(document.text)
            let kept = min(ids.count, budget.maxLength, budget.maxTokens.map { $0 - tokensTaken } ?? .max)
            tokensTaken += kept
            guard isMine, kept > 0 else { continue }
            documentsUsed += 1
            let paddedTokens = (pending.count + 1) * max(pendingLongest, kept)
            if !pending.isEmpty && (pending.count == batching.documents || paddedTokens > batching.tokens) {
                try runPending()
                report(documentsRead, tokensTaken)
            }
            pending.append(Array(ids.prefix(kept)))
            pendingLongest = max(pendingLongest, kept)
        }
        try runPending()
        report(documentsRead, tokensTaken)
    }

    /// One forward pass over the pending sequences, adding their keys to the accumulator.
    private mutating func runPending() throws {
        guard !pending.isEmpty else { return }
        let batch = TokenBatch(pending, padding: .right)
        let rows = pending.indices.flatMap { b in pending[b].indices.map { batch.row(b, $0) } }
        var hooks = ForwardHooks()
        hooks.capture(module, .input, at: rows)
        hooks.stopAfter = module
        hooks.computeLogits = false
        let output = try encoder.forward(batch, hooks: hooks)
        let expected = [rows.count, accumulator.dimension]
        guard let keys = output.captures[ModulePoint(module, .input)], keys.shape == expected else {
            throw StatisticsError.unexpectedCapture(
                module: module, expected: expected, found: output.captures[ModulePoint(module, .input)]?.shape ?? [])
        }
        accumulator.add(keys)
        pending.removeAll(keepingCapacity: true)
        pendingLongest = 0
    }
}
