import Generators
import Tensors

/// Builds a generator's ``Generators/TextModulation`` from concept offsets and where their words
/// sit in a prompt: the Δ of concept c is added to every token of every span of its word, in every
/// sample of the batch; all other tokens keep the plain conditioning.
///
///     Δ_{b,t} = Δ_c   for t in a span of c's word,  0 elsewhere;   mask_{b,t} = 1 on those tokens
///     Δ_{ℓ,b,t} = Δ_{c,ℓ} likewise, for block ℓ (zero for a concept learned without per-block offsets)
///
/// Built from differentiable ops (`indexSelect`, `scatterAdding`), so Δ may be tape variables.
struct PromptModulation {
    /// One concept as it modulates a prompt.
    struct Placement {
        /// Δ `[D]`, Δ_ℓ `[layers, D]` (or nil).
        var delta: Tensor
        var blockDeltas: Tensor?
        /// The kept-token spans of the word (``PromptWords``).
        var spans: [Range<Int>]
    }

    var placements: [Placement]

    /// The modulation of a batch of `batch` copies of one prompt of `textLength` kept tokens.
    ///
    /// - Parameter layers: the generator's block count (the length of the per-block list).
    func modulation(batch: Int, textLength: Int, width: Int, layers: Int) -> TextModulation {
        Self.modulation(samples: Array(repeating: placements, count: batch), textLength: textLength, width: width, layers: layers)
    }

    /// The modulation of a batch whose sample b has its own placements `samples[b]` (prompts padded
    /// to `textLength` tokens).
    static func modulation(samples: [[Placement]], textLength: Int, width: Int, layers: Int) -> TextModulation {
        let batch = samples.count
        let all = samples.flatMap { $0 }
        var rows: [Int] = []
        var owners: [Int] = []
        var first = 0
        for (b, placements) in samples.enumerated() {
            for (index, placement) in placements.enumerated() {
                for token in placement.spans.flatMap({ Array($0) }) {
                    rows.append(b * textLength + token)
                    owners.append(first + index)
                }
            }
            first += placements.count
        }
        var flags = [Float](repeating: 0, count: batch * textLength)
        for row in rows { flags[row] = 1 }
        func spread(_ perConcept: [Tensor]) -> Tensor {
            let stacked = Tensor.concat(perConcept.map { $0.reshaped([1, width]) }, axis: 0)
            return Tensor.zeros([batch * textLength, width]).scatterAdding(axis: 0, rows, stacked.indexSelect(axis: 0, owners))
                .reshaped([batch, textLength, width])
        }
        let blockDeltas: [Tensor]? = all.contains { $0.blockDeltas != nil }
            ? (0..<layers).map { layer in
                spread(all.map { $0.blockDeltas?.slice(axis: 0, layer..<(layer + 1)) ?? .zeros([width]) })
            }
            : nil
        return TextModulation(
            delta: spread(all.map(\.delta)), mask: Tensor(shape: [batch, textLength], scalars: flags),
            blockDeltas: blockDeltas)
    }
}
