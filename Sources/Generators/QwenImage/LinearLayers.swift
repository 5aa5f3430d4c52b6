import Tensors

/// The linear layers of one forward pass, looked up by diffusers module name:
///
///     y = x·Wᵀ + b (+ s·(x·Aᵀ)·Bᵀ when the LoRA overlay adapts the module)
///
/// W is fetched from the memory-mapped checkpoint for the forward product and fetched again for
/// the backward one (``Tensor/matmul(fetching:transposeWeight:)``), so a bf16 checkpoint is never
/// held in Float32 as a whole; only the adapters' factors can be tape variables.
struct LinearLayers {
    let weights: ComponentWeights
    let lora: LoRAOverlay?

    func callAsFunction(_ x: Tensor, _ module: String) -> Tensor {
        let weights = weights
        let weightName = module + ".weight"
        let y =
            x.matmul(fetching: { weights.tensor(weightName) }, transposeWeight: true) + weights.tensor(module + ".bias")
        guard let adapter = lora?.adapter(for: module) else { return y }
        return y + adapter.delta(x)
    }

    /// The layer's linear part, x·Wᵀ (+ the adapter's s·(x·Aᵀ)·Bᵀ), without the bias: what the
    /// layer adds to its output when its input moves by x.
    func linearPart(_ x: Tensor, _ module: String) -> Tensor {
        let weights = weights
        let weightName = module + ".weight"
        let y = x.matmul(fetching: { weights.tensor(weightName) }, transposeWeight: true)
        guard let adapter = lora?.adapter(for: module) else { return y }
        return y + adapter.delta(x)
    }

    /// A parameter that is not a linear layer's (a norm's weight).
    func parameter(_ name: String) -> Tensor { weights.tensor(name) }
}
