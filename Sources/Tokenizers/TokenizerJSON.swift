/// The parts of a Hugging Face `tokenizer.json` that a byte-level BPE tokenizer needs, as decoded
/// from JSON. Nothing here is validated beyond JSON types: `BPETokenizer` turns these values into
/// working components and reports unsupported or inconsistent ones with the file name.
///
/// `post_processor`, `truncation` and `padding` are not read: they do not affect plain encoding.
struct TokenizerJSON: Decodable {
    var addedTokens: [AddedTokenJSON]
    var normalizer: NormalizerJSON?
    var preTokenizer: PreTokenizerJSON?
    var decoder: ComponentTypeJSON?
    var model: ModelJSON

    enum CodingKeys: String, CodingKey {
        case addedTokens = "added_tokens", normalizer, preTokenizer = "pre_tokenizer", decoder, model
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        addedTokens = try container.decodeIfPresent([AddedTokenJSON].self, forKey: .addedTokens) ?? []
        normalizer = try container.decodeIfPresent(NormalizerJSON.self, forKey: .normalizer)
        preTokenizer = try container.decodeIfPresent(PreTokenizerJSON.self, forKey: .preTokenizer)
        self.decoder = try container.decodeIfPresent(ComponentTypeJSON.self, forKey: .decoder)
        model = try container.decode(ModelJSON.self, forKey: .model)
    }
}

/// One entry of `added_tokens`. Missing flags take the defaults of HF `AddedToken::from`
/// (`normalized` defaults to `!special`).
struct AddedTokenJSON: Decodable {
    var id: Int
    var content: String
    var singleWord: Bool
    var leftStrip: Bool
    var rightStrip: Bool
    var normalized: Bool
    var special: Bool

    enum CodingKeys: String, CodingKey {
        case id, content, singleWord = "single_word", leftStrip = "lstrip", rightStrip = "rstrip"
        case normalized, special
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .id)
        content = try container.decode(String.self, forKey: .content)
        singleWord = try container.decodeIfPresent(Bool.self, forKey: .singleWord) ?? false
        leftStrip = try container.decodeIfPresent(Bool.self, forKey: .leftStrip) ?? false
        rightStrip = try container.decodeIfPresent(Bool.self, forKey: .rightStrip) ?? false
        special = try container.decodeIfPresent(Bool.self, forKey: .special) ?? false
        normalized = try container.decodeIfPresent(Bool.self, forKey: .normalized) ?? !special
    }
}

/// A component of which only the `"type"` is read (the decoder).
struct ComponentTypeJSON: Decodable {
    var type: String
}

/// `normalizer`: NFC, a `Sequence` of normalizers, or a type this tokenizer does not implement.
indirect enum NormalizerJSON: Decodable {
    case nfc
    case sequence([NormalizerJSON])
    case unsupported(type: String)

    enum CodingKeys: String, CodingKey { case type, normalizers }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "NFC": self = .nfc
        case "Sequence": self = .sequence(try container.decode([NormalizerJSON].self, forKey: .normalizers))
        default: self = .unsupported(type: type)
        }
    }
}

/// `pre_tokenizer`: `Split`, `ByteLevel`, a `Sequence` of them, or an unsupported type.
indirect enum PreTokenizerJSON: Decodable {
    case sequence([PreTokenizerJSON])
    /// `pattern` is a regular expression (`{"Regex": ...}`) or a literal (`{"String": ...}`).
    case split(pattern: SplitPatternJSON, behavior: String, invert: Bool)
    /// Defaults as HF `ByteLevel::default()`: both flags true.
    case byteLevel(addPrefixSpace: Bool, useRegex: Bool)
    case unsupported(type: String)

    enum CodingKeys: String, CodingKey {
        case type, pretokenizers, pattern, behavior, invert
        case addPrefixSpace = "add_prefix_space", useRegex = "use_regex"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "Sequence":
            self = .sequence(try container.decode([PreTokenizerJSON].self, forKey: .pretokenizers))
        case "Split":
            self = .split(
                pattern: try container.decode(SplitPatternJSON.self, forKey: .pattern),
                behavior: try container.decode(String.self, forKey: .behavior),
                invert: try container.decodeIfPresent(Bool.self, forKey: .invert) ?? false)
        case "ByteLevel":
            self = .byteLevel(
                addPrefixSpace: try container.decodeIfPresent(Bool.self, forKey: .addPrefixSpace) ?? true,
                useRegex: try container.decodeIfPresent(Bool.self, forKey: .useRegex) ?? true)
        default:
            self = .unsupported(type: type)
        }
    }
}

/// The `pattern` of a `Split` pre-tokenizer.
enum SplitPatternJSON: Decodable {
    case regex(String)
    case literal(String)

    enum CodingKeys: String, CodingKey {
        case regex = "Regex", literal = "String"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let pattern = try container.decodeIfPresent(String.self, forKey: .regex) {
            self = .regex(pattern)
        } else {
            self = .literal(try container.decode(String.self, forKey: .literal))
        }
    }
}

/// `model`. Only `type` is decoded for non-BPE models, so that their different vocab layouts
/// (a list for Unigram) are reported as an unsupported type rather than as malformed JSON.
struct ModelJSON: Decodable {
    var type: String
    var bpe: BPEModelJSON?

    enum CodingKeys: String, CodingKey { case type }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decodeIfPresent(String.self, forKey: .type) ?? "BPE"
        bpe = type == "BPE" ? try BPEModelJSON(from: decoder) : nil
    }
}

/// The fields of a `"type": "BPE"` model.
struct BPEModelJSON: Decodable {
    var vocab: [String: Int]
    var merges: [MergeJSON]
    var unknownToken: String?
    var fuseUnknown: Bool
    var ignoreMerges: Bool
    var continuingSubwordPrefix: String?
    var endOfWordSuffix: String?
    var byteFallback: Bool

    enum CodingKeys: String, CodingKey {
        case vocab, merges, unknownToken = "unk_token", fuseUnknown = "fuse_unk", ignoreMerges = "ignore_merges"
        case continuingSubwordPrefix = "continuing_subword_prefix", endOfWordSuffix = "end_of_word_suffix"
        case byteFallback = "byte_fallback"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        vocab = try container.decode([String: Int].self, forKey: .vocab)
        merges = try container.decodeIfPresent([MergeJSON].self, forKey: .merges) ?? []
        unknownToken = try container.decodeIfPresent(String.self, forKey: .unknownToken)
        fuseUnknown = try container.decodeIfPresent(Bool.self, forKey: .fuseUnknown) ?? false
        ignoreMerges = try container.decodeIfPresent(Bool.self, forKey: .ignoreMerges) ?? false
        continuingSubwordPrefix = try container.decodeIfPresent(String.self, forKey: .continuingSubwordPrefix)
        endOfWordSuffix = try container.decodeIfPresent(String.self, forKey: .endOfWordSuffix)
        byteFallback = try container.decodeIfPresent(Bool.self, forKey: .byteFallback) ?? false
    }
}

/// One merge: the legacy `"a b"` string or, from tokenizers 0.20, an `["a", "b"]` pair.
enum MergeJSON: Decodable {
    case legacy(String)
    case pair([String])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let merge = try? container.decode(String.self) {
            self = .legacy(merge)
        } else {
            self = .pair(try container.decode([String].self))
        }
    }
}
