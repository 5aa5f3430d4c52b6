import Tensors

/// The linear layers of one forward pass, looked up by diffusers module name:
///
///     y = x·Wᵀ + b (+ s·(x·Aᵀ)·Bᵀ when the LoRA overlay adapts the module)
///
/// From a memory-mapped checkpoint, W is fetched for the forward product and fetched again for
/// the backward one (``Tensor/matmul(fetching:transposeWeight:)``), so a bf16 checkpoint is never
/// held in Float32 as a whole and only the adapters' factors can be tape variables. From
/// ``InMemoryWeights``, W itself enters the product, so a tracked W receives its gradient. Both
/// make the same BLAS call, so their values are identical.
struct LinearLayers {
    let weights: any WeightSource
    let lora: LoRAOverlay?

    func callAsFunction(_ x: Tensor, _ module: String) -> Tensor {
        let y = product(x, module + ".weight") + weights.tensor(module + ".bias")
        guard let adapter = lora?.adapter(for: module) else { return y }
        return y + adapter.delta(x)
    }

    /// The layer's linear part, x·Wᵀ (+ the adapter's s·(x·Aᵀ)·Bᵀ), without the bias: what the
    /// layer adds to its output when its input moves by x.
    func linearPart(_ x: Tensor, _ module: String) -> Tensor {
        let y = product(x, module + ".weight")
        guard let adapter = lora?.adapter(for: module) else { return y }
        return y + adapter.delta(x)
    }

    /// x·Wᵀ for the weight `name`.
    private func product(_ x: Tensor, _ name: String) -> Tensor {
        guard weights.fetchesPerProduct else { return x.matmul(weights.tensor(name), transposeOther: true) }
        let weights = weights
        return x.matmul(fetching: { weights.tensor(name) }, transposeWeight: true)
    }

    /// A parameter that is not a linear layer's (a norm's weight).
    func parameter(_ name: String) -> Tensor { weights.tensor(name) }
}
