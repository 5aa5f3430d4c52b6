import Foundation
import ModelIO

/// The Hugging Face files of a trained tokenizer, in the layout of Qwen2.5's: `tokenizer.json`
/// (what HF `tokenizers` loads) and `tokenizer_config.json` (what `transformers.AutoTokenizer`
/// reads first: class `Qwen2Tokenizer`, special tokens, chat template).
///
/// `tokenizer.json`: NFC normalizer; pre-tokenizer `Sequence[Split(Qwen2 regex, Isolated),
/// ByteLevel(add_prefix_space false, use_regex false)]`; ByteLevel post-processor and decoder;
/// `BPE` model with `vocab` in id order and `merges` as `"left right"` strings in rank order; the
/// special tokens as added tokens (`special`, not `normalized`). Printed as HF prints it (two-space
/// indentation, no trailing newline); `tokenizer_config.json` as `transformers` prints it (sorted
/// keys, a trailing newline).
extension TrainedBPE {
    /// The file names written by ``write(to:)``.
    public static let fileNames = (tokenizer: "tokenizer.json", config: "tokenizer_config.json")

    /// The contents of `tokenizer.json`.
    public func tokenizerJSON() -> Data {
        let byteLevel = PrettyJSON.object([
            ("type", .string("ByteLevel")), ("add_prefix_space", .bool(false)), ("trim_offsets", .bool(false)),
            ("use_regex", .bool(false)),
        ])
        let addedTokens = specialTokenEntries.map { id, token in
            PrettyJSON.object([
                ("id", .int(id)), ("content", .string(token)), ("single_word", .bool(false)), ("lstrip", .bool(false)),
                ("rstrip", .bool(false)), ("normalized", .bool(false)), ("special", .bool(true)),
            ])
        }
        let vocabulary = tokens.enumerated().map { (key: ByteLevel.token(forBytes: $1), value: PrettyJSON.int($0)) }
        let merges = mergePairs.map { PrettyJSON.string("\($0.left) \($0.right)") }
        let document = PrettyJSON.object([
            ("version", .string("1.0")),
            ("truncation", .null),
            ("padding", .null),
            ("added_tokens", .array(addedTokens)),
            ("normalizer", .object([("type", .string("NFC"))])),
            ("pre_tokenizer", .object([
                ("type", .string("Sequence")),
                ("pretokenizers", .array([
                    .object([
                        ("type", .string("Split")),
                        ("pattern", .object([("Regex", .string(KnownPatternSplitter.qwen2Pattern))])),
                        ("behavior", .string("Isolated")),
                        ("invert", .bool(false)),
                    ]),
                    byteLevel,
                ])),
            ])),
            ("post_processor", byteLevel),
            ("decoder", byteLevel),
            ("model", .object([
                ("type", .string("BPE")),
                ("dropout", .null),
                ("unk_token", .null),
                ("continuing_subword_prefix", .string("")),
                ("end_of_word_suffix", .string("")),
                ("fuse_unk", .bool(false)),
                ("byte_fallback", .bool(false)),
                ("ignore_merges", .bool(false)),
                ("vocab", .object(vocabulary)),
                ("merges", .array(merges)),
            ])),
        ])
        return Data(document.text.utf8)
    }

    /// The contents of `tokenizer_config.json`.
    public func tokenizerConfigJSON() -> Data {
        // Python's sort_keys orders the id keys as strings ("1000" before "999").
        let decoder = specialTokenEntries.map { id, token in
            (key: String(id), value: PrettyJSON.object([
                ("content", .string(token)), ("lstrip", .bool(false)), ("normalized", .bool(false)),
                ("rstrip", .bool(false)), ("single_word", .bool(false)), ("special", .bool(true)),
            ]))
        }.sorted { $0.key < $1.key }
        let additional = configuration.specialTokens.filter { $0 != configuration.paddingToken }.map(PrettyJSON.string)
        let document = PrettyJSON.object([
            ("add_bos_token", .bool(false)),
            ("add_prefix_space", .bool(false)),
            ("added_tokens_decoder", .object(decoder)),
            ("additional_special_tokens", .array(additional)),
            ("bos_token", .null),
            ("chat_template", .string(Qwen2ChatTemplate.source)),
            ("clean_up_tokenization_spaces", .bool(false)),
            ("eos_token", .string(configuration.endOfSequenceToken)),
            ("errors", .string("replace")),
            ("model_max_length", .int(configuration.modelMaximumLength)),
            ("pad_token", .string(configuration.paddingToken)),
            ("split_special_tokens", .bool(false)),
            ("tokenizer_class", .string("Qwen2Tokenizer")),
            ("unk_token", .null),
        ])
        return Data((document.text + "\n").utf8)
    }

    /// Writes `tokenizer.json` and `tokenizer_config.json` into `directory` (created if missing),
    /// each atomically: readers see the old file or the complete new one.
    ///
    /// - Throws: `TokenizerError.writeFailed` naming the directory or file and the system's reason.
    public func write(to directory: URL) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw TokenizerError.writeFailed(file: directory.path, reason: ErrorText.reason(error))
        }
        try AtomicFileWriter.write(tokenizerJSON(), to: directory.appendingPathComponent(Self.fileNames.tokenizer))
        try AtomicFileWriter.write(tokenizerConfigJSON(), to: directory.appendingPathComponent(Self.fileNames.config))
    }

    /// (id, token) of each special token, in id order.
    private var specialTokenEntries: [(Int, String)] {
        configuration.specialTokens.enumerated().map { (tokens.count + $0, $1) }
    }
}
