import Tensors

/// Seeded, resumable order of examples: epoch e visits `0..<count` in a permutation drawn by a
/// ``RandomGenerator`` seeded from (seed, e); batches are consecutive runs of that order, and a
/// batch that reaches the end of an epoch continues into the next one. The whole state is
/// (epoch, cursor), so a checkpoint stores two integers and a resumed run draws exactly the
/// batches an uninterrupted run would.
struct DataOrder: Sendable, Equatable {
    let count: Int
    let seed: UInt64
    private(set) var epoch: Int
    /// Position inside the current epoch's permutation.
    private(set) var cursor: Int
    private var permutation: [Int]

    /// - Precondition: `count > 0`, `0 ≤ cursor < count`.
    init(count: Int, seed: UInt64, epoch: Int = 0, cursor: Int = 0) {
        precondition(count > 0 && (0..<count).contains(cursor) && epoch >= 0)
        self.count = count
        self.seed = seed
        self.epoch = epoch
        self.cursor = cursor
        permutation = Self.permutation(count: count, seed: seed, epoch: epoch)
    }

    /// The permutation of epoch `epoch`: a seed mixed from (seed, epoch) with the golden-ratio
    /// increment (SplitMix64's), so neighbouring epochs get unrelated streams.
    static func permutation(count: Int, seed: UInt64, epoch: Int) -> [Int] {
        var generator = RandomGenerator(seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(epoch + 1))
        return generator.permutation(count)
    }

    /// The next `size` example indices.
    mutating func nextBatch(_ size: Int) -> [Int] {
        var batch: [Int] = []
        batch.reserveCapacity(size)
        while batch.count < size {
            batch.append(permutation[cursor])
            cursor += 1
            if cursor == count {
                epoch += 1
                cursor = 0
                permutation = Self.permutation(count: count, seed: seed, epoch: epoch)
            }
        }
        return batch
    }
}
