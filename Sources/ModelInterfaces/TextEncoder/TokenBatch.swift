import Tensors

/// Token sequences padded to one length, with the attention mask that says which tokens are real.
///
/// Rows of the flattened `[batch × length]` token grid are how hooks address positions:
/// ``row(_:_:)`` maps (sequence, token index within the sequence) to that row whatever the
/// padding side.
public struct TokenBatch: Sendable, Equatable {
    public enum Padding: String, Sendable, CaseIterable {
        case left, right
    }

    /// Unpadded sequences, as given.
    public let sequences: [[Int]]
    public let padding: Padding
    /// Id written into padded slots (never attended to).
    public let padID: Int
    /// Common length: the longest sequence.
    public let length: Int

    /// - Precondition: at least one non-empty sequence.
    public init(_ sequences: [[Int]], padding: Padding = .right, padID: Int = 0) {
        precondition(!sequences.isEmpty && sequences.allSatisfy { !$0.isEmpty }, "TokenBatch: empty sequence")
        self.sequences = sequences
        self.padding = padding
        self.padID = padID
        self.length = sequences.map(\.count).max() ?? 0
    }

    public var batchSize: Int { sequences.count }

    /// Offset of sequence `b`'s first token within its padded row.
    public func offset(_ b: Int) -> Int { padding == .left ? length - sequences[b].count : 0 }

    /// Row of token `t` of sequence `b` in the flattened `[batch × length]` grid.
    public func row(_ b: Int, _ t: Int) -> Int {
        precondition(t >= 0 && t < sequences[b].count, "TokenBatch: token \(t) out of range for sequence \(b) of length \(sequences[b].count)")
        return b * length + offset(b) + t
    }

    /// Row of the last real token of sequence `b`.
    public func lastTokenRow(_ b: Int) -> Int { row(b, sequences[b].count - 1) }

    /// Padded ids, row-major `[batch, length]`.
    public var paddedIDs: [Int] {
        sequences.enumerated().flatMap { b, s in
            let pad = [Int](repeating: padID, count: length - s.count)
            return padding == .left ? pad + s : s + pad
        }
    }

    /// 1 for real tokens, 0 for padding, `[batch, length]`.
    public var attentionMask: Tensor {
        Tensor(shape: [batchSize, length], scalars: sequences.indices.flatMap { b -> [Float] in
            let real = [Float](repeating: 1, count: sequences[b].count)
            let pad = [Float](repeating: 0, count: length - sequences[b].count)
            return padding == .left ? pad + real : real + pad
        })
    }

    /// Whether any sequence is shorter than the batch length.
    public var isPadded: Bool { sequences.contains { $0.count != length } }
}
