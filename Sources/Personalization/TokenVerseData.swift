import Generators
import Tensors

/// What ``TokenVerseObjective`` trains on, precomputed once: the concept image and caption, where
/// each concept word sits in it, and the isolation pairs.
struct TokenVerseData: @unchecked Sendable {
    /// One isolation pair (TokenVerse's concept-isolation loss): the concept image beside a base
    /// image, with the merged caption.
    struct IsolationPair {
        /// Clean packed latents of [concept | base] side by side, `[1, tokens, channels]`.
        var latents: Tensor
        /// The merged caption's states `[L, width]`.
        var prompt: Tensor
        /// Each concept word's spans in the merged caption (its left part only).
        var spans: [[Range<Int>]]
    }

    /// Clean packed latents of the concept image, `[1, tokens, channels]`.
    var latents: Tensor
    var imageShape: PackedImageShape
    /// The caption's states `[L, width]`.
    var prompt: Tensor
    /// Each concept word's spans in the caption, in word order.
    var spans: [[Range<Int>]]
    var isolation: [IsolationPair]
    /// The packed grid of an isolation pair (twice the concept's width).
    var isolationShape: PackedImageShape
    /// The token indices of the base (right) half of an isolation pair's packed grid.
    var baseHalfTokens: [Int] {
        (0..<isolationShape.height).flatMap { row in
            (isolationShape.width / 2..<isolationShape.width).map { row * isolationShape.width + $0 }
        }
    }
}
