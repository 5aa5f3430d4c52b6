import Tensors

/// Fresh weights for training a Qwen-Image transformer from scratch.
///
/// The scheme is PyTorch's default for every `nn.Linear` (what diffusers' `QwenImageTransformer2DModel`
/// gets from its constructor: weights and biases U(−1/√in, 1/√in), the bound of
/// `kaiming_uniform_(a=√5)` and of the bias initialiser), RMSNorm weights 1, and **adaLN-Zero**
/// (DiT, Peebles & Xie 2023, §3.2) on top: the modulation layers `img_mod.1`, `txt_mod.1`, the
/// output modulation `norm_out.linear` and the output projection `proj_out` start at zero (weights
/// and biases). Every block is then the identity at initialisation (its gates are 0) and the
/// velocity is 0; the first step trains `proj_out`, after which gradients reach every layer. DiT
/// reports this as the best of its conditioning variants, and it keeps a deep stack stable
/// without warmup tricks.
extension QwenImageTransformer {
    /// Linear layers that start at zero (adaLN-Zero): module names ending in these.
    static let zeroInitialisedSuffixes = ["img_mod.1", "txt_mod.1", "norm_out.linear", "proj_out"]

    /// Initial parameters for `configuration`, in state-dict order (``parameterShapes(_:)``),
    /// drawn in that order from one ``RandomGenerator`` seeded with `seed`.
    public static func initialParameters(
        _ configuration: QwenImageTransformerConfiguration, seed: UInt64
    ) -> [(name: String, value: Tensor)] {
        let inputs = Dictionary(uniqueKeysWithValues: linearLayers(configuration).map { ($0.0, $0.1.inputs) })
        var random = RandomGenerator(seed: seed)
        return parameterShapes(configuration).map { name, shape in
            let module = name.split(separator: ".").dropLast().joined(separator: ".")
            guard let fanIn = inputs[module] else { return (name, Tensor.ones(shape)) }  // an RMSNorm weight
            if zeroInitialisedSuffixes.contains(where: { module.hasSuffix($0) }) { return (name, Tensor.zeros(shape)) }
            let bound = 1 / Float(fanIn).squareRoot()
            return (name, random.uniform(shape, low: -bound, high: bound))
        }
    }
}
