import Tensors

/// Per-token modulation of the text stream (TokenVerse's M+ space carried over to Qwen-Image, as
/// XVerse does it on FLUX; design reference part C.4): for every text token whose `mask` is
/// nonzero, each block's text-stream modulation is computed from the shifted conditioning
/// temb + Δ instead of temb:
///
///     txt_mod_ℓ(y)_{b,t} = Linear_ℓ(SiLU(temb_b + Δ_{b,t}))  where mask_{b,t} ≠ 0,
///                          Linear_ℓ(SiLU(temb_b))            elsewhere,
///
/// so all six shift/scale/gate vectors of the text stream become per-token; the image stream is
/// unchanged. With per-block offsets (TokenVerse's second stage), block ℓ uses Δ + Δ_ℓ in place of
/// Δ. Δ and Δ_ℓ may be tape variables (their gradients are how a concept direction is learned).
public struct TextModulation {
    /// Δ, `[B, L, D]` (D = the model width).
    public var delta: Tensor
    /// `[B, L]`; nonzero marks a modulated token.
    public var mask: Tensor
    /// Δ_ℓ per block, each `[B, L, D]` (one per block of the model), or nil for Δ in every block.
    public var blockDeltas: [Tensor]?

    public init(delta: Tensor, mask: Tensor, blockDeltas: [Tensor]? = nil) {
        self.delta = delta
        self.mask = mask
        self.blockDeltas = blockDeltas
    }

    /// The modulation block `index` applies: Δ + Δ_index with per-block offsets, else self.
    func block(_ index: Int) -> TextModulation {
        guard let blockDeltas else { return self }
        return TextModulation(delta: delta + blockDeltas[index], mask: mask)
    }
}

/// The conditioning every block's modulation layers read: SiLU(temb) per sample and, with a
/// per-token text modulation, how far each modulated token's activated conditioning moves.
///
/// A modulated token's text-stream modulation is computed as
/// txt_mod(temb_b) + W·(SiLU(temb_b + Δ_{b,t}) − SiLU(temb_b)), which equals
/// Linear(SiLU(temb_b + Δ_{b,t})) and keeps a zero Δ bit-identical to the plain path (a BLAS
/// product's rows depend on the other rows of the call, so recomputing Linear(SiLU(temb_b)) in a
/// different product would not be).
struct BlockConditioning {
    /// SiLU(temb), `[B, D]`.
    let activated: Tensor
    /// SiLU(temb_b + Δ_{b,t}) − SiLU(temb_b) for each modulated token, `[M, D]`; nil when none is.
    let textShift: Tensor?
    /// The modulated tokens as flat indices b·L + t.
    let modulatedTokens: [Int]
    let batch: Int
    let textLength: Int

    /// - Parameter modulation: already validated against `temb` (`[B, D]`) and the text length.
    init(temb: Tensor, textLength: Int, modulation: TextModulation?) {
        batch = temb.shape[0]
        self.textLength = textLength
        activated = temb.silu()
        let flags = modulation?.mask.scalars ?? []
        modulatedTokens = flags.indices.filter { flags[$0] != 0 }
        guard let modulation, !modulatedTokens.isEmpty else {
            textShift = nil
            return
        }
        let samples = modulatedTokens.map { $0 / textLength }
        let delta = modulation.delta.reshaped([batch * textLength, temb.shape[1]]).indexSelect(axis: 0, modulatedTokens)
        textShift = (temb.indexSelect(axis: 0, samples) + delta).silu() - activated.indexSelect(axis: 0, samples)
    }

    /// The image stream's modulation of a block, from its `img_mod.1` layer.
    func image(_ linear: LinearLayers, module: String) -> StreamModulation {
        StreamModulation(linear(activated, module).reshaped([batch, 1, -1]))
    }

    /// The text stream's modulation of a block, from its `txt_mod.1` layer (per token when modulated).
    func text(_ linear: LinearLayers, module: String) -> StreamModulation {
        let base = linear(activated, module)
        guard let textShift else { return StreamModulation(base.reshaped([batch, 1, -1])) }
        let perToken = base.indexSelect(axis: 0, (0..<(batch * textLength)).map { $0 / textLength })
            .scatterAdding(axis: 0, modulatedTokens, linear.linearPart(textShift, module))
        return StreamModulation(perToken.reshaped([batch, textLength, -1]))
    }
}

/// The six modulation vectors of one stream in one block, in diffusers' chunk order
/// (shift₁, scale₁, gate₁, shift₂, scale₂, gate₂), each `[B, 1, D]` or per token `[B, L, D]`.
struct StreamModulation {
    let shift1, scale1, gate1, shift2, scale2, gate2: Tensor

    /// Splits `[B, T, 6D]` into its six `[B, T, D]` parts.
    init(_ parameters: Tensor) {
        let width = parameters.shape[2] / 6
        let parts = parameters.split(Array(repeating: width, count: 6), axis: 2)
        (shift1, scale1, gate1, shift2, scale2, gate2) = (parts[0], parts[1], parts[2], parts[3], parts[4], parts[5])
    }
}

extension Tensor {
    /// x·(1 + scale) + shift (diffusers `_modulate`, `AdaLayerNormContinuous`), broadcast over tokens.
    func modulated(shift: Tensor, scale: Tensor) -> Tensor {
        self * (scale + 1) + shift
    }
}
