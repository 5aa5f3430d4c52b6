import Tensors

// The evaluator's network as functions of named parameter tensors, so that the same code runs
// inference (plain tensors) and training (tensors tracked by a tape).

/// The convolutional network described by an ``EvaluatorConfiguration``.
///
/// With x the images in [0, 1], h₀ = 2x − 1 (centred input) and, for each convolution i,
/// hᵢ = ReLU(conv(hᵢ₋₁; Wᵢ, bᵢ, stride sᵢ, padding (k−1)/2)). The feature is
/// f = LayerNorm(mean over positions of h_L) ∈ ℝᴰ, and attribute a has logits zₐ = Aₐ·f + cₐ.
///
/// Parameter names (the `model.safetensors` keys): `conv.{i}.weight` `[Cᵢ, Cᵢ₋₁, k, k]`,
/// `conv.{i}.bias` `[Cᵢ]`, `norm.weight` and `norm.bias` `[D]`, `heads.{a}.weight` `[Kₐ, D]`,
/// `heads.{a}.bias` `[Kₐ]`, with a the attribute's index in the schema.
struct EvaluatorNetwork: Sendable {
    let configuration: EvaluatorConfiguration

    /// Every parameter's name and shape, in the order the optimizer sees them.
    var parameterShapes: [(name: String, shape: [Int])] {
        let c = configuration
        var shapes: [(String, [Int])] = []
        var inputChannels = 3
        for (i, outputChannels) in c.channels.enumerated() {
            shapes.append(("conv.\(i).weight", [outputChannels, inputChannels, c.kernelSize, c.kernelSize]))
            shapes.append(("conv.\(i).bias", [outputChannels]))
            inputChannels = outputChannels
        }
        shapes.append(("norm.weight", [c.featureDimension]))
        shapes.append(("norm.bias", [c.featureDimension]))
        for (a, attribute) in c.schema.attributes.enumerated() {
            shapes.append(("heads.\(a).weight", [attribute.classes.count, c.featureDimension]))
            shapes.append(("heads.\(a).bias", [attribute.classes.count]))
        }
        return shapes
    }

    /// Seeded initial parameters, in ``parameterShapes`` order: convolutions He-normal
    /// (σ = √(2/fan_in)), heads normal with σ = 1/√D, biases 0, LayerNorm weight 1.
    func initialParameters(seed: UInt64) -> [Tensor] {
        var rng = RandomGenerator(seed: seed)
        return parameterShapes.map { name, shape in
            if name == "norm.weight" { return .ones(shape) }
            if name.hasSuffix(".bias") { return .zeros(shape) }
            let fanIn = shape.dropFirst().reduce(1, *)
            let gain: Float = name.hasPrefix("conv.") ? 2 : 1
            return rng.normal(shape, standardDeviation: (gain / Float(fanIn)).squareRoot())
        }
    }

    // Positions in ``parameterShapes`` order: each layer's weight, then its bias.
    private func convolution(_ i: Int) -> Int { 2 * i }
    private var norm: Int { 2 * configuration.channels.count }
    private func head(_ a: Int) -> Int { norm + 2 + 2 * a }

    /// f: `[B, D]` LayerNorm-ed pooled features of `[B, 3, H, W]` images; `p` holds the
    /// parameters in ``parameterShapes`` order.
    func features(_ images: Tensor, _ p: [Tensor]) -> Tensor {
        featureMap(images, p).mean(axes: [2, 3])
            .layerNorm(weight: p[norm], bias: p[norm + 1], epsilon: configuration.layerNormEpsilon)
    }

    /// The convolution stack's output `[B, D, h, w]` (ReLU-ed, before pooling) of `[B, 3, H, W]` images.
    func featureMap(_ images: Tensor, _ p: [Tensor]) -> Tensor {
        let padding = ConvolutionPadding((configuration.kernelSize - 1) / 2)
        var h = images * 2 - 1
        for (i, stride) in configuration.strides.enumerated() {
            h = h.conv2d(weight: p[convolution(i)], bias: p[convolution(i) + 1], stride: stride, padding: padding)
                .relu()
        }
        return h
    }

    /// zₐ: `[B, Kₐ]` logits of every attribute, in schema order.
    func logits(features: Tensor, _ p: [Tensor]) -> [Tensor] {
        configuration.schema.attributes.indices.map { a in
            features.matmul(p[head(a)], transposeOther: true) + p[head(a) + 1]
        }
    }

    /// L = Σₐ CE(zₐ, yₐ), each cross-entropy averaged over the batch. `labels[a]` holds attribute
    /// a's class index for every image.
    func loss(_ images: Tensor, labels: [[Int]], _ p: [Tensor]) -> Tensor {
        let heads = logits(features: features(images, p), p)
        return zip(heads, labels).map { $0.crossEntropy(targets: $1) }.reduce(Tensor(0), +)
    }
}
