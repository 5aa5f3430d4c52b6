/// The merge table of a BPE model: for a pair of adjacent token ids, the merge's rank (its index in
/// `model.merges`) and the id of the merged token.
///
/// An open-addressing hash table with linear probing and Fibonacci hashing of the packed pair,
/// kept at most half full: a lookup is a multiply, a shift and one or two probes of one cache line
/// (key and value share a slot), several times cheaper than `Dictionary`'s SipHash; lookups
/// dominate BPE.
struct MergeTable: Sendable {
    private struct Slot {
        /// Packed (left, right) pair; `emptyKey` marks a free slot (ids are never negative).
        var key: UInt64
        /// Packed (rank, merged id).
        var value: UInt64
    }

    private var slots: [Slot]
    private let shift: UInt64
    private let mask: Int
    private static let emptyKey = UInt64.max

    init(capacity: Int) {
        var slots = 16
        while slots < 2 * capacity { slots *= 2 }
        self.slots = [Slot](repeating: Slot(key: Self.emptyKey, value: 0), count: slots)
        shift = UInt64(64 - slots.trailingZeroBitCount)
        mask = slots - 1
    }

    @inline(__always)
    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always)
    private func slot(of key: UInt64) -> Int {
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while slots[slot].key != key, slots[slot].key != Self.emptyKey { slot = (slot + 1) & mask }
        return slot
    }

    /// Sets the merge of (`left`, `right`); a later duplicate replaces an earlier one, as in HF.
    /// Holds at most `capacity` pairs (the count given to `init`).
    mutating func insert(left: Int32, right: Int32, rank: Int32, merged: Int32) {
        let key = Self.key(left, right)
        let slot = slot(of: key)
        slots[slot] = Slot(key: key, value: UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(UInt32(bitPattern: merged)))
    }

    /// `(rank, merged id)` of the pair, or nil when the pair does not merge.
    @inline(__always)
    func merge(_ left: Int32, _ right: Int32) -> (rank: Int32, merged: Int32)? {
        let slot = slot(of: Self.key(left, right))
        guard slots[slot].key != Self.emptyKey else { return nil }
        let value = slots[slot].value
        return (Int32(truncatingIfNeeded: value >> 32), Int32(truncatingIfNeeded: value))
    }
}

/// Reusable buffers for `applyMerges`, so that encoding a text allocates them once.
struct MergeScratch {
    struct Symbol {
        var id: Int32
        var previous: Int32
        var next: Int32
        /// Bytes covered; 0 once merged into the symbol on its left.
        var length: Int32
    }

    /// A candidate merge: ordered by `order` = rank << 32 | position (lowest rank first, then
    /// leftmost), as HF `word.rs`'s `Merge`.
    struct Candidate {
        var order: UInt64
        var merged: Int32
        var position: Int { Int(order & 0xFFFF_FFFF) }
    }

    private(set) var symbols: [Symbol] = []
    private var heap: [Candidate] = []

    /// Starts a new word.
    mutating func removeAll() {
        symbols.removeAll(keepingCapacity: true)
        heap.removeAll(keepingCapacity: true)
    }

    /// Appends a symbol for token `id` covering one character of the word.
    mutating func append(_ id: Int32) {
        let index = Int32(symbols.count)
        if index > 0 { symbols[Int(index) - 1].next = index }
        symbols.append(Symbol(id: id, previous: index - 1, next: -1, length: 1))
    }

    /// Replaces the symbol at `position` and its right neighbour by one symbol for token `merged`.
    mutating func mergeWithNext(at position: Int, into merged: Int32) {
        let right = symbols[Int(symbols[position].next)]
        symbols[Int(symbols[position].next)].length = 0
        symbols[position].id = merged
        symbols[position].length += right.length
        symbols[position].next = right.next
        if right.next >= 0 { symbols[Int(right.next)].previous = Int32(position) }
    }

    /// Adds a candidate to the binary min-heap.
    mutating func push(_ candidate: Candidate) {
        heap.append(candidate)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].order < heap[parent].order else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the candidate with the smallest `order`, or nil when none is left.
    mutating func popMinimum() -> Candidate? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        let minimum = heap[0]
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].order < heap[smallest].order { smallest = left }
            if right < heap.count, heap[right].order < heap[smallest].order { smallest = right }
            guard smallest != parent else { return minimum }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}

extension MergeTable {
    /// Merges the symbols of `scratch` by BPE and appends the resulting ids to `output`: repeatedly
    /// merge the adjacent pair of lowest rank, leftmost first, until no pair merges. This is HF
    /// `Word::merge_all` without dropout: a min-heap of candidates keyed by (rank, position); a
    /// popped candidate is stale, and skipped, when its left symbol was merged away, is last, or no
    /// longer forms a pair that merges into the candidate's token.
    ///
    /// - Complexity: O(n log n) for a word of n symbols.
    func applyMerges(scratch: inout MergeScratch, appendingTo output: inout [Int]) {
        for index in 0..<max(scratch.symbols.count - 1, 0) {
            pushCandidate(at: index, scratch: &scratch)
        }
        while let top = scratch.popMinimum() {
            let position = top.position
            let left = scratch.symbols[position]
            guard left.length > 0, left.next >= 0 else { continue }
            let right = scratch.symbols[Int(left.next)]
            guard let current = merge(left.id, right.id), current.merged == top.merged else { continue }
            scratch.mergeWithNext(at: position, into: top.merged)
            if left.previous >= 0 { pushCandidate(at: Int(left.previous), scratch: &scratch) }
            pushCandidate(at: position, scratch: &scratch)
        }
        for symbol in scratch.symbols where symbol.length > 0 {
            output.append(Int(symbol.id))
        }
    }

    /// Pushes the merge of the symbol at `position` with its right neighbour, if that pair merges.
    private func pushCandidate(at position: Int, scratch: inout MergeScratch) {
        let symbol = scratch.symbols[position]
        guard symbol.next >= 0, let (rank, merged) = merge(symbol.id, scratch.symbols[Int(symbol.next)].id) else {
            return
        }
        scratch.push(.init(order: UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(position), merged: merged))
    }
}
