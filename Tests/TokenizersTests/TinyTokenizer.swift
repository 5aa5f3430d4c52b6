import Foundation
@testable import Tokenizers

/// Small `tokenizer.json` documents for unit tests: the 256 byte characters at ids 0…255 (id = byte
/// value), then one token per merge (ids 256…264), then `Ġworld` (265, reachable by no merge).
/// Expected ids in the tests were checked against HF `tokenizers` 0.23.3 on the same documents.
enum TinyTokenizer {
    static let merges: [(String, String)] = [
        ("l", "l"), ("h", "e"), ("he", "ll"), ("hell", "o"), ("Ġ", "w"), ("o", "r"), ("Ġw", "or"),
        ("a", "a"), ("b", "c"),
    ]

    enum MergeFormat { case pairs, legacyStrings }

    static func vocabulary() -> [String: Int] {
        var vocabulary: [String: Int] = [:]
        for byte in 0..<256 { vocabulary[String(ByteLevel.characterForByte[byte])] = byte }
        for (left, right) in merges { vocabulary[left + right] = vocabulary.count }
        vocabulary["Ġworld"] = vocabulary.count
        return vocabulary
    }

    static func addedToken(
        _ id: Int, _ content: String, special: Bool = true, leftStrip: Bool = false, rightStrip: Bool = false,
        singleWord: Bool = false, normalized: Bool = false
    ) -> [String: Any] {
        ["id": id, "content": content, "special": special, "lstrip": leftStrip, "rstrip": rightStrip,
         "single_word": singleWord, "normalized": normalized]
    }

    static func byteLevel(addPrefixSpace: Bool = false, useRegex: Bool = true) -> [String: Any] {
        ["type": "ByteLevel", "add_prefix_space": addPrefixSpace, "trim_offsets": true, "use_regex": useRegex]
    }

    /// A GPT-2-style document (ByteLevel pre-tokenizer with the GPT-2 regex, ByteLevel decoder).
    static func document(
        mergeFormat: MergeFormat = .pairs, ignoreMerges: Bool = false, addedTokens: [[String: Any]] = [],
        normalizer: [String: Any]? = nil
    ) -> [String: Any] {
        let mergeList: [Any] = switch mergeFormat {
        case .pairs: merges.map { [$0.0, $0.1] }
        case .legacyStrings: merges.map { "\($0.0) \($0.1)" }
        }
        return [
            "version": "1.0",
            "added_tokens": addedTokens,
            "normalizer": normalizer ?? NSNull(),
            "pre_tokenizer": byteLevel(),
            "post_processor": byteLevel(),
            "decoder": byteLevel(),
            "model": ["type": "BPE", "vocab": vocabulary(), "merges": mergeList, "ignore_merges": ignoreMerges],
        ]
    }

    static func data(_ document: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: document)
    }

    static func tokenizer(_ document: [String: Any]) throws -> BPETokenizer {
        try BPETokenizer(data: data(document), file: "tiny.json")
    }
}
