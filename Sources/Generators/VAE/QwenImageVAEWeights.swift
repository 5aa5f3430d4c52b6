import Tensors

/// One tensor of a Qwen-Image VAE checkpoint, as diffusers' state dict names and shapes it.
struct QwenImageVAEParameter {
    let name: String
    /// The stored shape: `[O, I, 3, 3, 3]` for a causal Conv3d, `[O, I, 3, 3]` for a Conv2d, …
    let shape: [Int]
    /// False for the temporal convolutions of the "3d" resamplers, which a single frame skips:
    /// declared (the checkpoint must hold them) but never converted.
    let usedOnSingleFrame: Bool

    init(_ name: String, _ shape: [Int], usedOnSingleFrame: Bool = true) {
        self.name = name
        self.shape = shape
        self.usedOnSingleFrame = usedOnSingleFrame
    }
}

/// The VAE's weights converted once to the Float32 2-D form its single-frame forward uses.
///
/// A causal Conv3d weight `[O, I, T, kh, kw]` becomes the Conv2d weight `[O, I, kh, kw]` of its
/// last temporal tap: on one frame the causal padding puts T − 1 zero frames before it, so the
/// other taps multiply zeros (diffusers `QwenImageCausalConv3d`, whose first-chunk cache is
/// empty). Every other tensor keeps its shape.
struct QwenImageVAEWeights {
    private let tensors: [String: Tensor]

    /// Converts every parameter of `parameters` that a single frame uses; `tensor` returns a
    /// declared parameter as Float32 in its stored shape.
    init(parameters: [QwenImageVAEParameter], tensor: (String) throws -> Tensor) rethrows {
        var tensors: [String: Tensor] = [:]
        for parameter in parameters where parameter.usedOnSingleFrame {
            let stored = try tensor(parameter.name)
            tensors[parameter.name] = stored.rank == 5 ? Self.lastTemporalTap(stored) : stored
        }
        self.tensors = tensors
    }

    /// `[O, I, T, kh, kw]` → `[O, I, kh, kw]` at t = T − 1.
    private static func lastTemporalTap(_ weight: Tensor) -> Tensor {
        let s = weight.shape
        return weight.reshaped([s[0] * s[1], s[2], s[3] * s[4]]).slice(axis: 1, (s[2] - 1)..<s[2])
            .reshaped([s[0], s[1], s[3], s[4]])
    }

    /// The converted parameter `name`.
    ///
    /// - Precondition: `name` is a used parameter of the architecture (layers only ask for the
    ///   names they declared, so a miss is a programming error, not bad input).
    subscript(name: String) -> Tensor {
        guard let tensor = tensors[name] else { preconditionFailure("QwenImageVAEWeights: no parameter \"\(name)\"") }
        return tensor
    }
}
