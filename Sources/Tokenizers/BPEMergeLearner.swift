/// Learns byte-level BPE merges from word counts (classic BPE, Sennrich et al. 2016, as HF
/// `tokenizers`' `BpeTrainer` does it).
///
/// Every distinct word starts as one symbol per byte. Each step takes the adjacent symbol pair with
/// the highest count over the corpus (a word's pairs count once per occurrence of the word),
/// records it as the next merge, and replaces its occurrences in every word that holds it, left to
/// right without overlap (`a a a` → `aa a`). The merged token is the concatenation of the two
/// tokens' bytes; a merge whose bytes already name a token (`a`+`bc` after `ab`+`c`) reuses it, so
/// merges can outnumber new tokens, as in HF.
///
/// **Ties.** Among pairs of equal count, the pair whose left token's bytes come first in
/// lexicographic byte order wins; if the left tokens are the same, the one whose right token's
/// bytes come first. Distinct pairs always differ there, so the order is total and training is
/// deterministic (independent of hashing and of the order of words).
///
/// **Incremental counts.** Pair counts are kept in a dictionary and only the words containing the
/// chosen pair are revisited (an index pair → words is kept up to date as new pairs appear). A
/// max-heap holds candidate (pair, count) entries; counts that drop are not re-pushed, so an entry
/// may overstate its pair's count: a popped entry whose count is stale is pushed back with the
/// current count. Counts that grow are pushed. Entries therefore never understate, and the first
/// popped entry that is current is the true maximum.
///
/// - Complexity: per merge, O(Σ lengths of the words holding the pair + log H) for H heap entries;
///   no full recount.
struct BPEMergeLearner {
    /// One merge: the ids of its two parts and of the merged token.
    struct Merge: Equatable, Sendable {
        let left: Int32
        let right: Int32
        let merged: Int32
    }

    /// A distinct word: its current symbols and how often it occurs.
    private struct Word {
        var symbols: [Int32]
        let count: Int
    }

    private struct Candidate {
        let pair: UInt64
        let count: Int
    }

    /// Bytes of each token, by id (the alphabet first).
    private(set) var tokenBytes: [[UInt8]]
    private(set) var merges: [Merge] = []
    private var idForBytes: [ByteString: Int32]
    private var words: [Word]
    private var pairCounts: [UInt64: Int] = [:]
    /// Indices of words that held the pair when it was last counted (may list a word twice or list
    /// words that no longer hold it; both are checked when merging).
    private var wordsWithPair: [UInt64: [Int32]] = [:]
    private var heap: [Candidate] = []
    /// `visitedAtMerge[w]` is the last merge number that revisited word `w` (deduplicates the index).
    private var visitedAtMerge: [Int]

    /// - Parameters:
    ///   - alphabet: the bytes of the initial tokens; every single byte of every word must be one.
    ///   - wordCounts: distinct words (UTF-8 bytes, non-empty) and their counts.
    init(alphabet: [[UInt8]], wordCounts: [(bytes: [UInt8], count: Int)]) {
        tokenBytes = alphabet
        var idForBytes: [ByteString: Int32] = [:]
        var idForByte = [Int32](repeating: -1, count: 256)
        for (id, bytes) in alphabet.enumerated() {
            idForBytes[ByteString(bytes: bytes)] = Int32(id)
            if bytes.count == 1 { idForByte[Int(bytes[0])] = Int32(id) }
        }
        self.idForBytes = idForBytes
        words = wordCounts.map { Word(symbols: $0.bytes.map { idForByte[Int($0)] }, count: $0.count) }
        visitedAtMerge = [Int](repeating: -1, count: words.count)
        for (index, word) in words.enumerated() where word.symbols.count > 1 {
            for position in 0..<(word.symbols.count - 1) {
                let pair = Self.pair(word.symbols[position], word.symbols[position + 1])
                pairCounts[pair, default: 0] += word.count
                wordsWithPair[pair, default: []].append(Int32(index))
            }
        }
        for (pair, count) in pairCounts { push(Candidate(pair: pair, count: count)) }
    }

    /// Merges until there are `targetTokenCount` tokens, or no pair occurs `minimumPairFrequency`
    /// times or more.
    mutating func learn(targetTokenCount: Int, minimumPairFrequency: Int) {
        while tokenBytes.count < targetTokenCount, let top = popHeap() {
            let current = pairCounts[top.pair] ?? 0
            if current != top.count {
                if current > 0 { push(Candidate(pair: top.pair, count: current)) }
                continue
            }
            if current < minimumPairFrequency { break }
            apply(pair: top.pair)
        }
    }

    /// Records the merge of `pair` and rewrites every word holding it, updating the pair counts.
    private mutating func apply(pair: UInt64) {
        let left = Int32(truncatingIfNeeded: pair >> 32), right = Int32(truncatingIfNeeded: pair & 0xFFFF_FFFF)
        let bytes = tokenBytes[Int(left)] + tokenBytes[Int(right)]
        let merged: Int32
        if let existing = idForBytes[ByteString(bytes: bytes)] {
            merged = existing
        } else {
            merged = Int32(tokenBytes.count)
            tokenBytes.append(bytes)
            idForBytes[ByteString(bytes: bytes)] = merged
        }
        let mergeNumber = merges.count
        merges.append(Merge(left: left, right: right, merged: merged))

        var deltas: [UInt64: Int] = [:]
        for wordIndex in wordsWithPair.removeValue(forKey: pair) ?? [] {
            let index = Int(wordIndex)
            guard visitedAtMerge[index] != mergeNumber else { continue }
            visitedAtMerge[index] = mergeNumber
            let old = words[index].symbols
            var new: [Int32] = []
            new.reserveCapacity(old.count)
            var position = 0
            while position < old.count {
                if position + 1 < old.count, old[position] == left, old[position + 1] == right {
                    new.append(merged)
                    position += 2
                } else {
                    new.append(old[position])
                    position += 1
                }
            }
            guard new.count != old.count else { continue }
            let count = words[index].count
            for position in 0..<(old.count - 1) { deltas[Self.pair(old[position], old[position + 1]), default: 0] -= count }
            for position in 0..<max(new.count - 1, 0) {
                let newPair = Self.pair(new[position], new[position + 1])
                deltas[newPair, default: 0] += count
                if new[position] == merged || new[position + 1] == merged {
                    wordsWithPair[newPair, default: []].append(wordIndex)
                }
            }
            words[index].symbols = new
        }
        for (changed, delta) in deltas where delta != 0 {
            let count = (pairCounts[changed] ?? 0) + delta
            if count > 0 { pairCounts[changed] = count } else { pairCounts.removeValue(forKey: changed) }
            if delta > 0 { push(Candidate(pair: changed, count: count)) }
        }
    }

    private static func pair(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    // MARK: The candidate max-heap

    /// Whether `a` is merged before `b`: higher count, then smaller left bytes, then smaller right bytes.
    private func precedes(_ a: Candidate, _ b: Candidate) -> Bool {
        if a.count != b.count { return a.count > b.count }
        let leftA = tokenBytes[Int(a.pair >> 32)], leftB = tokenBytes[Int(b.pair >> 32)]
        if leftA != leftB { return leftA.lexicographicallyPrecedes(leftB) }
        return tokenBytes[Int(a.pair & 0xFFFF_FFFF)].lexicographicallyPrecedes(tokenBytes[Int(b.pair & 0xFFFF_FFFF)])
    }

    private mutating func push(_ candidate: Candidate) {
        heap.append(candidate)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func popHeap() -> Candidate? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        guard !heap.isEmpty else { return top }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var best = parent
            if left < heap.count, precedes(heap[left], heap[best]) { best = left }
            if right < heap.count, precedes(heap[right], heap[best]) { best = right }
            guard best != parent else { break }
            heap.swapAt(parent, best)
            parent = best
        }
        return top
    }
}
