import Foundation

/// Tokenizer folders without a `tokenizer.json`: the "slow" Qwen2 layout of `vocab.json`,
/// `merges.txt` and `tokenizer_config.json`, as the Qwen-Image repository's `tokenizer/` folder ships
/// it. They are read as the `tokenizer.json` that transformers' `Qwen2Converter` makes of them:
/// NFC; the Qwen2 split pattern (isolated) followed by byte-level mapping without its own regex;
/// byte-level BPE over `vocab.json` with the merges of `merges.txt` (a `#version` line first, then
/// one space-separated pair per line); the added tokens of `tokenizer_config.json`'s
/// `added_tokens_decoder` (ids, `special`, `normalized`, `lstrip`, `rstrip`, `single_word`).
extension BPETokenizer {
    /// The files of the layout, in the folder.
    static let vocabularyFileNames = (vocabulary: "vocab.json", merges: "merges.txt", config: "tokenizer_config.json")
    /// `tokenizer_class` values this layout is read for.
    static let vocabularyFileClasses = ["Qwen2Tokenizer", "Qwen2TokenizerFast"]

    /// Whether `directory` holds a tokenizer this type reads: `tokenizer.json`, or `vocab.json`.
    public static func hasTokenizerFiles(in directory: URL) -> Bool {
        ["tokenizer.json", vocabularyFileNames.vocabulary].contains {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path)
        }
    }

    /// Loads the `vocab.json` + `merges.txt` + `tokenizer_config.json` of `directory`.
    ///
    /// - Throws: `TokenizerError.fileNotFound` for a missing file, `.malformedJSON` for a broken
    ///   `vocab.json` or `tokenizer_config.json`, `.unsupportedComponent` for a `tokenizer_class`
    ///   other than Qwen2's, `.malformedMerge` naming the line of `merges.txt` that is not a pair,
    ///   and the errors of ``init(data:file:cacheCapacity:)``.
    public convenience init(vocabularyDirectory directory: URL, cacheCapacity: Int = 10_000) throws {
        let names = Self.vocabularyFileNames
        let configURL = directory.appendingPathComponent(names.config)
        let config = try TokenizerFile.decode(
            SlowTokenizerConfig.self, from: TokenizerFile.data(at: configURL), file: configURL.path)
        if let tokenizerClass = config.tokenizerClass, !Self.vocabularyFileClasses.contains(tokenizerClass) {
            throw TokenizerError.unsupportedComponent(file: configURL.path, component: "tokenizer_class", type: tokenizerClass)
        }
        let vocabularyURL = directory.appendingPathComponent(names.vocabulary)
        let vocabulary = try TokenizerFile.decode(
            [String: Int].self, from: TokenizerFile.data(at: vocabularyURL), file: vocabularyURL.path)
        let mergesURL = directory.appendingPathComponent(names.merges)
        let merges = try Self.merges(in: TokenizerFile.data(at: mergesURL), file: mergesURL.path)

        let addedTokens: [[String: Any]] = config.addedTokens.sorted { $0.key < $1.key }.map { id, token in
            ["id": id, "content": token.content, "single_word": token.singleWord, "lstrip": token.leftStrip,
             "rstrip": token.rightStrip, "normalized": token.normalized, "special": token.special]
        }
        let json: [String: Any] = [
            "added_tokens": addedTokens,
            "normalizer": ["type": "NFC"],
            "pre_tokenizer": ["type": "Sequence", "pretokenizers": [
                ["type": "Split", "pattern": ["Regex": KnownPatternSplitter.qwen2Pattern], "behavior": "Isolated",
                 "invert": false],
                ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false],
            ]],
            "decoder": ["type": "ByteLevel"],
            "model": ["type": "BPE", "vocab": vocabulary, "merges": merges, "ignore_merges": false],
        ]
        let data = try JSONSerialization.data(withJSONObject: json)
        try self.init(data: data, file: "\(directory.path)/{\(names.vocabulary),\(names.merges)}",
                      cacheCapacity: cacheCapacity)
    }

    /// The merge pairs of a `merges.txt`: lines after an optional `#version` line, each two
    /// space-separated tokens; blank lines are skipped.
    static func merges(in data: Data, file: String) throws -> [String] {
        let text = String(decoding: data, as: UTF8.self)
        var merges: [String] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = line.hasSuffix("\r") ? line.dropLast() : line
            if line.isEmpty || (index == 0 && line.hasPrefix("#version")) { continue }
            guard line.split(separator: " ", omittingEmptySubsequences: false).count == 2 else {
                throw TokenizerError.malformedMerge(file: file, index: index + 1, merge: String(line))
            }
            merges.append(String(line))
        }
        return merges
    }
}

/// The keys of `tokenizer_config.json` the vocabulary-file layout needs.
private struct SlowTokenizerConfig: Decodable {
    struct AddedToken: Decodable {
        var content: String
        var singleWord = false
        var leftStrip = false
        var rightStrip = false
        var normalized = false
        var special = false

        enum CodingKeys: String, CodingKey {
            case content, singleWord = "single_word", leftStrip = "lstrip", rightStrip = "rstrip", normalized, special
        }

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            content = try c.decode(String.self, forKey: .content)
            singleWord = try c.decodeIfPresent(Bool.self, forKey: .singleWord) ?? false
            leftStrip = try c.decodeIfPresent(Bool.self, forKey: .leftStrip) ?? false
            rightStrip = try c.decodeIfPresent(Bool.self, forKey: .rightStrip) ?? false
            normalized = try c.decodeIfPresent(Bool.self, forKey: .normalized) ?? false
            special = try c.decodeIfPresent(Bool.self, forKey: .special) ?? false
        }
    }

    var tokenizerClass: String?
    /// Id → token.
    var addedTokens: [Int: AddedToken]

    enum CodingKeys: String, CodingKey { case tokenizerClass = "tokenizer_class", addedTokens = "added_tokens_decoder" }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tokenizerClass = try c.decodeIfPresent(String.self, forKey: .tokenizerClass)
        let byKey = try c.decodeIfPresent([String: AddedToken].self, forKey: .addedTokens) ?? [:]
        addedTokens = [:]
        for (key, token) in byKey {
            guard let id = Int(key) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .addedTokens, in: c, debugDescription: "token id \"\(key)\" is not an integer")
            }
            addedTokens[id] = token
        }
    }
}
