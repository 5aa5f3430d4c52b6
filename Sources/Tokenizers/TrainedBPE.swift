import Foundation

/// The result of ``BPETrainer/train(texts:)``: a byte-level BPE vocabulary, its merges and the
/// special tokens, in the Qwen2 layout.
///
/// Ids: the regular vocabulary is 0..<``regularVocabularySize`` (the 256 byte tokens, then the merged
/// tokens in merge order); the special tokens follow in configuration order. Token strings are
/// spelled with GPT-2's byte characters (`Ġthe`), as in `tokenizer.json`.
///
/// ### See Also
/// - ``write(to:)`` for the Hugging Face files; ``tokenizer(cacheCapacity:)`` for a ready tokenizer.
public struct TrainedBPE: Sendable {
    public let configuration: BPETrainer.Configuration
    /// Bytes of each regular token, by id.
    let tokens: [[UInt8]]
    let merges: [BPEMergeLearner.Merge]

    init(configuration: BPETrainer.Configuration, tokens: [[UInt8]], merges: [BPEMergeLearner.Merge]) {
        self.configuration = configuration
        self.tokens = tokens
        self.merges = merges
    }

    /// Number of regular (non-added) tokens: 256 + the merged tokens.
    public var regularVocabularySize: Int { tokens.count }

    /// Number of token ids, special tokens included.
    public var vocabularySize: Int { tokens.count + configuration.specialTokens.count }

    /// Regular token (byte-character spelling) → id.
    public var vocabulary: [String: Int] {
        Dictionary(uniqueKeysWithValues: tokens.enumerated().map { (ByteLevel.token(forBytes: $1), $0) })
    }

    /// The merges in rank order, each as its two tokens' spellings.
    public var mergePairs: [(left: String, right: String)] {
        merges.map { (ByteLevel.token(forBytes: tokens[Int($0.left)]), ByteLevel.token(forBytes: tokens[Int($0.right)])) }
    }

    /// Special token → id.
    public var specialTokenIDs: [String: Int] {
        Dictionary(uniqueKeysWithValues: configuration.specialTokens.enumerated().map { ($1, tokens.count + $0) })
    }

    /// A tokenizer over this vocabulary, the same as loading the written `tokenizer.json`.
    ///
    /// - Throws: `TokenizerError` only if the generated document were inconsistent (it is not).
    public func tokenizer(cacheCapacity: Int = 10_000) throws -> BPETokenizer {
        try BPETokenizer(data: tokenizerJSON(), file: "trained tokenizer.json", cacheCapacity: cacheCapacity)
    }

    /// The normalizer and pre-tokenizer of the Qwen2 layout, built from the same JSON components
    /// that `tokenizer.json` holds, so training splits text exactly as the loaded tokenizer does.
    static func qwen2Pipeline() throws -> (normalizer: Normalizer, preTokenizer: PreTokenizer) {
        let file = "Qwen2 pre-tokenizer"
        let preTokenizer = PreTokenizerJSON.sequence([
            .split(pattern: .regex(KnownPatternSplitter.qwen2Pattern), behavior: "Isolated", invert: false),
            .byteLevel(addPrefixSpace: false, useRegex: false),
        ])
        return (try Normalizer(.nfc, file: file), try PreTokenizer(preTokenizer, file: file))
    }
}
