import Foundation
import Tokenizers

/// Encoding throughput of our byte-level BPE (`BPETokenizer`) over a corpus, in tokens per second.
///
/// Three figures: loading the `tokenizer.json`; encoding with the word cache disabled
/// (`cacheCapacity: 0`, every word merged afresh, like tiktoken, which has no cache); and encoding
/// with HF's default cache of 10,000 words after one warm-up pass. Each encoding figure is the
/// median of `repeats` passes over the whole corpus, one line at a time. A last row times training a
/// 2,000-token BPE on the same corpus (no reference).
///
/// The reference is tiktoken on the same vocabulary and corpus: `tiktokenReferenceScript`, run as
/// `python3 -c <script>` with `{"tokenizer": path, "corpus": [lines], "repeats": n}` as JSON on stdin,
/// prints one JSON object with `tokens`, `seconds` (median per pass) and `tokens_per_second`.
enum TokenizerBenchmark {
    static let repeats = 7
    /// Vocabulary size of the training row.
    static let trainedVocabularySize = 2_000

    /// Runs the benchmark and returns the report lines.
    ///
    /// - Throws: `TokenizerError` when `tokenizerJSON` cannot be loaded or the corpus has no words to train on.
    static func run(tokenizerJSON: URL, corpus: [String]) throws -> [String] {
        var uncached: BPETokenizer?
        let loadSeconds = try Measure.seconds {
            uncached = try BPETokenizer(contentsOf: tokenizerJSON, cacheCapacity: 0)
        }
        guard let uncached else { return ["tokenizer: not loaded"] }
        let cached = try BPETokenizer(contentsOf: tokenizerJSON)

        let tokenCount = corpus.reduce(0) { $0 + uncached.encode($1).count }
        let byteCount = corpus.reduce(0) { $0 + $1.utf8.count }
        let uncachedSeconds = Measure.medianSeconds(repeats: repeats) {
            for line in corpus { _ = uncached.encode(line) }
        }
        for line in corpus { _ = cached.encode(line) }
        let cachedSeconds = Measure.medianSeconds(repeats: repeats) { for line in corpus { _ = cached.encode(line) } }

        let trainer = try BPETrainer(configuration: .init(vocabularySize: trainedVocabularySize))
        let trainSeconds = try Measure.medianSeconds(repeats: 3) { _ = try trainer.train(texts: corpus) }

        func rate(_ seconds: Double) -> String {
            String(format: "%.2f M tokens/s, %.1f MB/s",
                   Double(tokenCount) / seconds / 1e6, Double(byteCount) / seconds / 1e6)
        }
        return [
            "BPE tokenizer (\(tokenizerJSON.lastPathComponent), \(uncached.vocabularySize) ids): "
                + "load \(String(format: "%.3f", loadSeconds)) s",
            "  corpus: \(corpus.count) lines, \(byteCount) UTF-8 bytes, \(tokenCount) tokens",
            "  encode, no word cache: median \(Measure.milliseconds(uncachedSeconds)) of \(repeats)"
                + " → \(rate(uncachedSeconds))",
            "  encode, 10,000-word cache (warm): median \(Measure.milliseconds(cachedSeconds)) of \(repeats)"
                + " → \(rate(cachedSeconds))",
            "  train a BPE on the corpus (BPETrainer, vocabulary \(trainedVocabularySize)): median "
                + "\(Measure.milliseconds(trainSeconds)) of 3",
        ]
    }

    /// tiktoken on the vocabulary of a byte-level `tokenizer.json` (ranks = ids of the byte-level
    /// tokens, pattern = its first `Split` regex, added tokens as special tokens), timed over the
    /// same corpus with `encode(line, allowed_special="all")`: the reference measurement.
    static let tiktokenReferenceScript = #"""
        import json, statistics, sys, time, tiktoken
        request = json.load(sys.stdin)
        document = json.load(open(request["tokenizer"], encoding="utf-8"))
        printable = [*range(33, 127), *range(161, 173), *range(174, 256)]
        extra = [b for b in range(256) if b not in printable]
        byte_of = {chr(b): b for b in printable} | {chr(256 + i): b for i, b in enumerate(extra)}
        ranks = {bytes(byte_of[c] for c in token): rank for token, rank in document["model"]["vocab"].items()}
        steps = document["pre_tokenizer"].get("pretokenizers", [document["pre_tokenizer"]])
        pattern = next(step["pattern"]["Regex"] for step in steps if step["type"] == "Split")
        specials = {token["content"]: token["id"] for token in document["added_tokens"]}
        encoding = tiktoken.Encoding("bench", pat_str=pattern, mergeable_ranks=ranks, special_tokens=specials)
        corpus = request["corpus"]
        tokens = sum(len(encoding.encode(line, allowed_special="all")) for line in corpus)
        times = []
        for _ in range(request["repeats"]):
            start = time.perf_counter()
            for line in corpus:
                encoding.encode(line, allowed_special="all")
            times.append(time.perf_counter() - start)
        seconds = statistics.median(times)
        print(json.dumps({"tokens": tokens, "seconds": seconds, "tokens_per_second": tokens / seconds,
                          "detail": f"tiktoken {tiktoken.__version__}"}))
        """#
}
