import Foundation
import Tensors

/// The in/out widths of a linear layer `y = x·Wᵀ + b` with `W: [outputs, inputs]`.
public struct LinearShape: Sendable, Equatable, Hashable {
    public var inputs: Int
    public var outputs: Int

    public init(inputs: Int, outputs: Int) {
        self.inputs = inputs
        self.outputs = outputs
    }
}

/// A low-rank adapter on one linear layer, as PEFT's `LoraLayer` (the form diffusers loads):
///
///     y = x·Wᵀ + b + s·(x·Aᵀ)·Bᵀ,   A = lora_A: [r, in],  B = lora_B: [out, r],
///     s = α / r   (α / √r with rank-stabilised scaling, PEFT `use_rslora`)
///
/// so merging it changes the weight to W + s·B·A.
public struct LoRAAdapter: Sendable {
    /// A (`lora_A.weight`), `[r, in]`.
    public var down: Tensor
    /// B (`lora_B.weight`), `[out, r]`.
    public var up: Tensor
    /// α (`lora_alpha`).
    public var alpha: Float
    /// Whether s = α/√r (PEFT `use_rslora`) instead of α/r.
    public var rankStabilized: Bool

    /// An adapter from its factors; `down` must be `[r, in]` and `up` `[out, r]`.
    public init(down: Tensor, up: Tensor, alpha: Float, rankStabilized: Bool = false) {
        precondition(
            down.rank == 2 && up.rank == 2 && up.shape[1] == down.shape[0],
            "LoRAAdapter: A \(down.shape) and B \(up.shape) are not [r, in] and [out, r]")
        self.down = down
        self.up = up
        self.alpha = alpha
        self.rankStabilized = rankStabilized
    }

    /// r.
    public var rank: Int { down.shape[0] }
    /// The layer shape the adapter fits.
    public var shape: LinearShape { LinearShape(inputs: down.shape[1], outputs: up.shape[0]) }
    /// s = α/r (or α/√r).
    public var scale: Float { alpha / (rankStabilized ? Float(rank).squareRoot() : Float(rank)) }

    /// s·(x·Aᵀ)·Bᵀ for `x: [..., in]`; the scale is applied on the narrow `[..., r]` product.
    func delta(_ x: Tensor) -> Tensor {
        (x.matmul(down, transposeOther: true) * scale).matmul(up, transposeOther: true)
    }

    /// s·B·A, `[out, in]`: what merging adds to the weight.
    public var mergedWeightDelta: Tensor { up.matmul(down) * scale }
}
