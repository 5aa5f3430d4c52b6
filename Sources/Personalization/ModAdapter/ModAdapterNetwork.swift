import Foundation
import Tensors

/// Mod-Adapter's network (Zhong et al. 2025, arXiv 2505.18612, §3; design reference part C.5) at
/// the world's scale. For a concept image's feature tokens F `[P, C]` (the frozen evaluator
/// backbone, ``Evaluator/ImageEvaluator/featureTokens(_:)``) and the concept word's neutral
/// feature n `[E]` (the text encoder's state of the word in a neutral caption):
///
///     Q   = n·W_q + Pos                        [N, d]   block queries (Pos: sinusoids of the block index at init)
///     A   = softmax(Q·(F·W_k)ᵀ / √d)·(F·W_v)    [N, d]   vision-language cross-attention
///     H   = A + Q
///     E_k(H) = SiLU(H·W1_k + b1_k)·W2_k + b2_k  [N, D]   expert k (W2_k, b2_k start at zero, so Δ starts at 0)
///     Δ   = E_{r(n)}(H)                                  k-means routing: r(n) = the nearest centroid's index
///         | Σ_k softmax(n·G)_k · E_k(H)                  learned gate (ablation)
///         | E_0(H)                                       one expert (ablation)
///
/// Row b of Δ is block b's offset (N = the block count), or one Δ for every block (N = 1). Built
/// from existing tape ops (matmul, softmax, SiLU, broadcasting arithmetic, slice), so every
/// parameter gets a gradient; PersonalizationTests checks them against finite differences.
struct ModAdapterNetwork {
    let configuration: ModAdapterConfiguration

    /// Parameter names and shapes, in the order the network reads them.
    var parameterShapes: [(String, [Int])] {
        let c = configuration
        var shapes: [(String, [Int])] = [
            ("query.weight", [c.textWidth, c.attentionWidth]), ("query.position", [c.queries, c.attentionWidth]),
            ("key.weight", [c.imageChannels, c.attentionWidth]), ("value.weight", [c.imageChannels, c.attentionWidth]),
        ]
        for k in 0..<c.experts {
            shapes += [
                ("expert.\(k).w1", [c.attentionWidth, c.hiddenWidth]), ("expert.\(k).b1", [c.hiddenWidth]),
                ("expert.\(k).w2", [c.hiddenWidth, c.outputWidth]), ("expert.\(k).b2", [c.outputWidth]),
            ]
        }
        if c.routing == .gate { shapes.append(("gate.weight", [c.textWidth, c.experts])) }
        return shapes
    }

    /// Seeded initial values: weights N(0, 1/fan_in), Pos the sinusoidal encoding of the block
    /// index, biases and the experts' output layers zero (Δ = 0 before training).
    func initialParameters(seed: UInt64) -> [(String, Tensor)] {
        var random = RandomGenerator(seed: seed)
        let d = configuration.attentionWidth
        return parameterShapes.map { name, shape in
            if name == "query.position" {
                let values = (0..<shape[0]).flatMap { block in
                    (0..<d).map { i -> Float in
                        let frequency = pow(10_000, -Float(2 * (i / 2)) / Float(d))
                        return i % 2 == 0 ? sin(Float(block) * frequency) : cos(Float(block) * frequency)
                    }
                }
                return (name, Tensor(shape: shape, scalars: values))
            }
            if shape.count == 1 || name.hasSuffix(".w2") { return (name, .zeros(shape)) }
            return (name, random.normal(shape, standardDeviation: 1 / Float(shape[0]).squareRoot()))
        }
    }

    /// Δ `[N, D]` for one (image, word).
    ///
    /// - Parameters:
    ///   - parameters: by name (tape variables or constants).
    ///   - features: F `[P, C]`; `neutral`: n `[E]`.
    ///   - expert: r(n) for k-means routing (ignored otherwise).
    ///
    /// `parameters` must hold every name of ``parameterShapes`` (a missing one is a programming error).
    func callAsFunction(_ parameters: [String: Tensor], features: Tensor, neutral: Tensor, expert: Int) -> Tensor {
        let c = configuration
        func p(_ name: String) -> Tensor {
            guard let value = parameters[name] else { preconditionFailure("ModAdapterNetwork: no parameter \(name)") }
            return value
        }
        let n = neutral.reshaped([1, c.textWidth])
        let queries = n.matmul(p("query.weight")) + p("query.position")
        let keys = features.matmul(p("key.weight"))
        let values = features.matmul(p("value.weight"))
        let weights = (queries.matmul(keys, transposeOther: true) * (1 / Float(c.attentionWidth).squareRoot())).softmax(axis: 1)
        let hidden = weights.matmul(values) + queries
        func project(_ k: Int) -> Tensor {
            (hidden.matmul(p("expert.\(k).w1")) + p("expert.\(k).b1")).silu()
                .matmul(p("expert.\(k).w2")) + p("expert.\(k).b2")
        }
        switch c.routing {
        case .kmeans: return project(expert)
        case .single: return project(0)
        case .gate:
            let gate = n.matmul(p("gate.weight")).softmax(axis: 1)
            var mixture = project(0) * gate.slice(axis: 1, 0..<1)
            for k in 1..<c.experts { mixture = mixture + project(k) * gate.slice(axis: 1, k..<(k + 1)) }
            return mixture
        }
    }
}
