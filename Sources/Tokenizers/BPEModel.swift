import Synchronization

/// A byte string usable as a dictionary key, hashed in one call over its bytes.
struct ByteString: Hashable, Sendable {
    let bytes: [UInt8]

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}

/// The `"type": "BPE"` model over bytes: each word (pre-token) starts as one symbol per byte (the
/// vocabulary id of that byte's GPT-2 character) and is merged by `MergeTable.applyMerges`.
///
/// Words shorter than `maximumCachedWordLength` bytes are cached, up to `cacheCapacity` words;
/// when full, new words are no longer cached (HF `Cache` does the same, with 10,000 and 256).
final class BPEModel: Sendable {
    static let maximumCachedWordLength = 256

    let merges: MergeTable
    /// Vocabulary id of each byte's character; `byte_fallback`'s `<0xXX>` token when that character
    /// is missing; -1 when neither exists.
    private let tokenIDForByte: [Int32]
    private let unknownTokenID: Int32?
    private let fusesUnknown: Bool
    /// With `ignore_merges` (Llama 3), a word that is itself a vocabulary token is emitted whole.
    private let wholeWordIDs: [ByteString: Int]?
    private let cache: Mutex<[ByteString: [Int]]>
    let cacheCapacity: Int

    /// - Parameters:
    ///   - vocabulary: `model.vocab`, already checked for valid ids.
    /// - Throws: `TokenizerError.malformedMerge`, `.mergeTokenNotInVocabulary`, and
    ///   `.unsupportedComponent` for a non-empty `continuing_subword_prefix`/`end_of_word_suffix` or an
    ///   `unk_token` that is not in the vocabulary.
    init(json: BPEModelJSON, vocabulary: [String: Int], file: String, cacheCapacity: Int = 10_000) throws {
        if let prefix = json.continuingSubwordPrefix, !prefix.isEmpty {
            throw TokenizerError.unsupportedComponent(
                file: file, component: "model.continuing_subword_prefix", type: prefix.debugDescription)
        }
        if let suffix = json.endOfWordSuffix, !suffix.isEmpty {
            throw TokenizerError.unsupportedComponent(
                file: file, component: "model.end_of_word_suffix", type: suffix.debugDescription)
        }
        if let unknown = json.unknownToken {
            guard let id = vocabulary[unknown] else {
                throw TokenizerError.unsupportedComponent(
                    file: file, component: "model.unk_token", type: "\(unknown.debugDescription) (not in model.vocab)")
            }
            unknownTokenID = Int32(id)
        } else {
            unknownTokenID = nil
        }
        fusesUnknown = json.fuseUnknown
        tokenIDForByte = (0..<256).map { byte in
            let character = String(ByteLevel.characterForByte[byte])
            let fallback = json.byteFallback ? vocabulary["<0x\(Self.hex(byte))>"] : nil
            return Int32(vocabulary[character] ?? fallback ?? -1)
        }
        merges = try Self.mergeTable(json.merges, vocabulary: vocabulary, file: file)
        wholeWordIDs = json.ignoreMerges ? Self.wholeWordIDs(vocabulary) : nil
        self.cacheCapacity = cacheCapacity
        cache = Mutex([:])
    }

    private static func hex(_ byte: Int) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[byte >> 4], digits[byte & 15]])
    }

    private static func mergeTable(_ merges: [MergeJSON], vocabulary: [String: Int], file: String) throws -> MergeTable {
        var table = MergeTable(capacity: merges.count)
        var rank: Int32 = 0
        for (index, merge) in merges.enumerated() {
            let pair: [String]
            let text: String
            switch merge {
            case .legacy(let line):
                // HF skips a `#version` header and splits on every space: exactly two parts are required.
                if line.hasPrefix("#version") { continue }
                pair = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
                text = line
            case .pair(let tokens):
                pair = tokens
                text = tokens.joined(separator: " ")
            }
            guard pair.count == 2 else { throw TokenizerError.malformedMerge(file: file, index: index, merge: text) }
            var ids: [Int32] = []
            for token in [pair[0], pair[1], pair[0] + pair[1]] {
                guard let id = vocabulary[token] else {
                    throw TokenizerError.mergeTokenNotInVocabulary(file: file, index: index, merge: text, token: token)
                }
                ids.append(Int32(id))
            }
            table.insert(left: ids[0], right: ids[1], rank: rank, merged: ids[2])
            rank += 1
        }
        return table
    }

    private static func wholeWordIDs(_ vocabulary: [String: Int]) -> [ByteString: Int] {
        var words: [ByteString: Int] = [:]
        words.reserveCapacity(vocabulary.count)
        for (token, id) in vocabulary {
            if let bytes = ByteLevel.bytes(forToken: token) { words[ByteString(bytes: bytes)] = id }
        }
        return words
    }

    /// Appends the token ids of one word (its UTF-8 bytes) to `ids`.
    ///
    /// A byte whose character is not in the vocabulary becomes `unk_token` (consecutive ones fused
    /// into one with `fuse_unk`), or is dropped when there is no `unk_token`, as in HF.
    func encode(word: UnsafeBufferPointer<UInt8>, scratch: inout MergeScratch, appendingTo ids: inout [Int]) {
        if word.count == 1, tokenIDForByte[Int(word[0])] >= 0 {
            ids.append(Int(tokenIDForByte[Int(word[0])]))
            return
        }
        let cacheable = cacheCapacity > 0 && word.count < Self.maximumCachedWordLength
        let key = cacheable || wholeWordIDs != nil ? ByteString(bytes: Array(word)) : nil
        if let key, let wholeWordIDs, let id = wholeWordIDs[key] {
            ids.append(id)
            return
        }
        if cacheable, let key, let cached = cache.withLock({ $0[key] }) {
            ids.append(contentsOf: cached)
            return
        }
        scratch.removeAll()
        var previousWasUnknown = false
        for byte in word {
            let id = tokenIDForByte[Int(byte)]
            if id >= 0 {
                scratch.append(id)
                previousWasUnknown = false
            } else if let unknownTokenID, !(fusesUnknown && previousWasUnknown) {
                scratch.append(unknownTokenID)
                previousWasUnknown = true
            }
        }
        let start = ids.count
        merges.applyMerges(scratch: &scratch, appendingTo: &ids)
        if cacheable, let key {
            let result = Array(ids[start...])
            cache.withLock { cache in
                if cache.count < cacheCapacity { cache[key] = result }
            }
        }
    }
}
