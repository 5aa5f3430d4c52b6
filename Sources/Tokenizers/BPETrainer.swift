/// Trains a byte-level BPE tokenizer in the Qwen2 layout from a corpus of texts.
///
/// The texts go through the same pipeline that ``BPETokenizer`` encodes with, so that the learned
/// merges fit what encoding will see: special tokens are cut out of the raw text (they are never
/// learned from), the rest is normalized to NFC and split into words by the Qwen2 pre-tokenizer
/// regex. Distinct words are counted and `BPEMergeLearner` learns merges over their UTF-8 bytes
/// (classic BPE; ties go to the lexicographically smaller pair of byte strings, see there).
///
/// The vocabulary is the 256 byte tokens (always, whether or not the corpus uses them), ordered as
/// GPT-2 and Qwen2 order them (by their byte character: `!` … `~`, `¡` … `ÿ`, then `Ā` …, i.e. the
/// printable bytes first), then one token per new merged byte string in merge order, then the
/// special tokens as added tokens.
///
/// ```swift
/// let trainer = try BPETrainer(configuration: .init(vocabularySize: 2_000))
/// let trained = try trainer.train(texts: corpus)
/// try trained.write(to: URL(fileURLWithPath: "tokenizer"))  // tokenizer.json, tokenizer_config.json
/// let tokenizer = try trained.tokenizer()
/// ```
///
/// ### See Also
/// - ``TrainedBPE``
public struct BPETrainer: Sendable {
    /// What to train.
    public struct Configuration: Sendable, Equatable {
        /// Total number of token ids wanted: byte tokens + merged tokens + special tokens. Training
        /// stops earlier when no pair is frequent enough.
        public var vocabularySize: Int
        /// A pair is merged only if it occurs at least this often in the corpus (HF `min_frequency`).
        public var minimumPairFrequency: Int
        /// Added special tokens, given ids right after the regular vocabulary in this order.
        public var specialTokens: [String]
        /// `eos_token` of `tokenizer_config.json`; one of `specialTokens`.
        public var endOfSequenceToken: String
        /// `pad_token` of `tokenizer_config.json`; one of `specialTokens`.
        public var paddingToken: String
        /// `model_max_length` of `tokenizer_config.json`.
        public var modelMaximumLength: Int

        /// Qwen2's special tokens, end of sequence `<|im_end|>`, padding `<|endoftext|>`.
        public init(
            vocabularySize: Int, minimumPairFrequency: Int = 2,
            specialTokens: [String] = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
            endOfSequenceToken: String = "<|im_end|>", paddingToken: String = "<|endoftext|>",
            modelMaximumLength: Int = 32_768
        ) {
            self.vocabularySize = vocabularySize
            self.minimumPairFrequency = minimumPairFrequency
            self.specialTokens = specialTokens
            self.endOfSequenceToken = endOfSequenceToken
            self.paddingToken = paddingToken
            self.modelMaximumLength = modelMaximumLength
        }
    }

    public let configuration: Configuration

    /// - Throws: `TokenizerError.vocabularyTooSmall` when `vocabularySize` < 256 + special tokens;
    ///   `.invalidTrainingConfiguration` for a minimum pair frequency below 1, an empty or repeated
    ///   special token, end-of-sequence or padding tokens that are not special tokens, or a
    ///   non-positive `modelMaximumLength`.
    public init(configuration: Configuration) throws {
        let minimum = 256 + configuration.specialTokens.count
        guard configuration.vocabularySize >= minimum else {
            throw TokenizerError.vocabularyTooSmall(requested: configuration.vocabularySize, minimum: minimum)
        }
        func invalid(_ key: String, _ expected: String, _ found: String) -> TokenizerError {
            .invalidTrainingConfiguration(key: key, expected: expected, found: found)
        }
        guard configuration.minimumPairFrequency >= 1 else {
            throw invalid("minimumPairFrequency", "at least 1", "\(configuration.minimumPairFrequency)")
        }
        guard configuration.modelMaximumLength >= 1 else {
            throw invalid("modelMaximumLength", "at least 1", "\(configuration.modelMaximumLength)")
        }
        var seen: Set<String> = []
        for token in configuration.specialTokens {
            guard !token.isEmpty, seen.insert(token).inserted else {
                throw invalid("specialTokens", "distinct non-empty tokens", token.debugDescription)
            }
        }
        for (key, token) in [("endOfSequenceToken", configuration.endOfSequenceToken),
                             ("paddingToken", configuration.paddingToken)] where !seen.contains(token) {
            throw invalid(key, "one of the special tokens \(configuration.specialTokens)", token.debugDescription)
        }
        self.configuration = configuration
    }

    /// Learns merges from `texts` (each text is encoded on its own; no text spans another).
    ///
    /// - Throws: `TokenizerError.emptyCorpus` when the texts hold no word outside special tokens.
    /// - Complexity: O(corpus bytes) to count words, then per merge O(total length of the distinct
    ///   words holding the merged pair) (see `BPEMergeLearner`).
    public func train(texts: [String]) throws -> TrainedBPE {
        let wordCounts = try Self.countWords(in: texts, specialTokens: configuration.specialTokens)
        guard !wordCounts.isEmpty else { throw TokenizerError.emptyCorpus(texts: texts.count) }
        var learner = BPEMergeLearner(alphabet: Self.byteAlphabet, wordCounts: wordCounts)
        learner.learn(
            targetTokenCount: configuration.vocabularySize - configuration.specialTokens.count,
            minimumPairFrequency: configuration.minimumPairFrequency)
        return TrainedBPE(configuration: configuration, tokens: learner.tokenBytes, merges: learner.merges)
    }

    /// The 256 single-byte tokens in GPT-2's order: by the code of their byte character.
    static let byteAlphabet: [[UInt8]] = (0..<256).map { UInt8($0) }
        .sorted { ByteLevel.characterForByte[Int($0)].value < ByteLevel.characterForByte[Int($1)].value }
        .map { [$0] }

    /// The distinct words of `texts` with their counts, as `BPETokenizer` would split them: special
    /// tokens cut out, NFC, Qwen2 pre-tokenizer.
    static func countWords(in texts: [String], specialTokens: [String]) throws -> [(bytes: [UInt8], count: Int)] {
        let pipeline = try TrainedBPE.qwen2Pipeline()
        let specials = AddedTokenMatcher(specialTokens.enumerated().map { index, token in
            .init(id: index, content: Array(token.utf8), singleWord: false, leftStrip: false, rightStrip: false)
        })
        var counts: [ByteString: Int] = [:]
        for text in texts {
            specials.forEachSegment(of: text[...]) { segment in
                guard case .text(let raw) = segment else { return }
                pipeline.preTokenizer.forEachWord(in: pipeline.normalizer.apply(raw)) { word in
                    counts[ByteString(bytes: Array(word)), default: 0] += 1
                }
            }
        }
        return counts.map { (bytes: $0.key.bytes, count: $0.value) }
    }
}
