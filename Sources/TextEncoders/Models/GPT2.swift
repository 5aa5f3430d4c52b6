import ModelInterfaces
import Tensors

/// GPT-2 (`model_type: gpt2`), after transformers `src/transformers/models/gpt2/modeling_gpt2.py`:
/// learned absolute positions, pre-LayerNorm blocks, fused `c_attn` q/k/v projection, GELU (tanh
/// form, `gelu_new`) MLP, and an LM head tied to the token embedding. Weights are `Conv1D`, stored
/// `[in, out]` (so y = x·W + b, no transpose).
///
/// Module names are `transformer.h.{i}.mlp.c_proj` etc. as in `GPT2LMHeadModel`; checkpoints
/// saved from the bare `GPT2Model` (the original `gpt2` files) spell tensors without the
/// `transformer.` prefix, and both load.
struct GPT2: LanguageModelArchitecture {
    struct Configuration {
        var hiddenSize: Int
        var layerCount: Int
        var headCount: Int
        var innerSize: Int
        var positionCount: Int
        var vocabularySize: Int
        var layerNormEpsilon: Float
    }

    let configuration: Configuration
    private var c: Configuration { configuration }

    /// The `config.json` keys GPT-2 reads, as written (absent or null keys are nil).
    struct Document: Codable {
        var hiddenSize: ConfigInteger?
        var headCount: ConfigInteger?
        var activation: String?
        var layerCount: ConfigInteger?
        var innerSize: ConfigInteger?
        var positionCount: ConfigInteger?
        var vocabularySize: ConfigInteger?
        var layerNormEpsilon: Double?

        enum CodingKeys: String, CodingKey {
            case hiddenSize = "n_embd", headCount = "n_head", activation = "activation_function", layerCount = "n_layer"
            case innerSize = "n_inner", positionCount = "n_positions", vocabularySize = "vocab_size"
            case layerNormEpsilon = "layer_norm_epsilon"
        }
    }

    /// Decodes and validates a GPT-2 `config.json`: sizes and counts in ``ConfigLimits``, `n_embd`
    /// a multiple of `n_head`, an activation this port computes, a positive `layer_norm_epsilon`.
    ///
    /// - Throws: ``TextEncoderError/invalidConfiguration(file:key:reason:)`` naming the key.
    static func configuration(_ config: ConfigFile) throws -> Configuration {
        let document = try config.decode(Document.self)
        let hidden = try config.integer(document.hiddenSize, "n_embd", in: ConfigLimits.width)
        let heads = try config.integer(document.headCount, "n_head", in: ConfigLimits.heads)
        try config.requireMultiple("n_embd", hidden, of: "n_head", heads)
        _ = try config.choice(document.activation, "activation_function", default: "gelu_new", supported: ["gelu_new", "gelu_pytorch_tanh"])
        return Configuration(
            hiddenSize: hidden, layerCount: try config.integer(document.layerCount, "n_layer", in: ConfigLimits.layers),
            headCount: heads,
            innerSize: try config.integer(document.innerSize, "n_inner", in: ConfigLimits.width, default: min(4 * hidden, ConfigLimits.width.upperBound)),
            positionCount: try config.integer(document.positionCount, "n_positions", in: ConfigLimits.positions),
            vocabularySize: try config.integer(document.vocabularySize, "vocab_size", in: ConfigLimits.vocabulary),
            layerNormEpsilon: try config.positive(document.layerNormEpsilon, "layer_norm_epsilon", default: 1e-5))
    }

    var info: TextEncoderInfo {
        var names = ["transformer.wte", "transformer.wpe"]
        for i in 0..<c.layerCount {
            let l = "transformer.h.\(i)"
            names += [l, "\(l).ln_1", "\(l).attn", "\(l).attn.c_attn", "\(l).attn.c_proj", "\(l).ln_2", "\(l).mlp",
                      "\(l).mlp.c_fc", "\(l).mlp.act", "\(l).mlp.c_proj"]
        }
        names += ["transformer.ln_f", "lm_head"]
        return TextEncoderInfo(modelType: "gpt2", hiddenSize: c.hiddenSize, layerCount: c.layerCount,
                               vocabularySize: c.vocabularySize, moduleNames: names, layerModuleTemplate: "transformer.h.{}",
                               maximumSequenceLength: c.positionCount)
    }

    var declaredParameters: [(String, [Int])] {
        let (d, m) = (c.hiddenSize, c.innerSize)
        var list: [(String, [Int])] = [("transformer.wte.weight", [c.vocabularySize, d]), ("transformer.wpe.weight", [c.positionCount, d])]
        for i in 0..<c.layerCount {
            let l = "transformer.h.\(i)"
            list += [("\(l).ln_1.weight", [d]), ("\(l).ln_1.bias", [d]),
                     ("\(l).attn.c_attn.weight", [d, 3 * d]), ("\(l).attn.c_attn.bias", [3 * d]),
                     ("\(l).attn.c_proj.weight", [d, d]), ("\(l).attn.c_proj.bias", [d]),
                     ("\(l).ln_2.weight", [d]), ("\(l).ln_2.bias", [d]),
                     ("\(l).mlp.c_fc.weight", [d, m]), ("\(l).mlp.c_fc.bias", [m]),
                     ("\(l).mlp.c_proj.weight", [m, d]), ("\(l).mlp.c_proj.bias", [d])]
        }
        list += [("transformer.ln_f.weight", [d]), ("transformer.ln_f.bias", [d]), ("lm_head.weight", [c.vocabularySize, d])]
        return list
    }

    var tiedParameters: [String: String] { ["lm_head.weight": "transformer.wte.weight"] }

    func forwardBytes(batch: Int, length: Int, logitRows: Int) -> Int {
        ForwardGuards.forwardBytes(batch: batch, length: length, heads: c.headCount, width: c.hiddenSize, mlpWidth: c.innerSize,
                                   vocabulary: c.vocabularySize, logitRows: logitRows)
    }

    /// Causal-mask buffers that older checkpoints store.
    func isIgnored(_ key: String) -> Bool { key.hasSuffix(".attn.bias") || key.hasSuffix(".attn.masked_bias") }

    /// Checkpoint spelling for checkpoints saved without the `transformer.` prefix.
    static func unprefixedKey(_ name: String) -> String? {
        name.hasPrefix("transformer.") ? String(name.dropFirst("transformer.".count)) : nil
    }

    func hiddenStates(ids: [Int], batch: TokenBatch, weights: CheckpointWeights, context: ForwardContext) throws -> Tensor {
        let (b, length) = (batch.batchSize, batch.length)
        var h: Tensor
        if let resume = try context.resume(width: c.hiddenSize, layers: c.layerCount) {
            h = resume.hiddenState
        } else {
            let idsInput = Tensor(shape: [b, length, 1], scalars: ids.map(Float.init))
            let tokens = try context.module("transformer.wte", idsInput) { _ in
                try weights.rows("transformer.wte.weight", ids).reshaped([b, length, c.hiddenSize])
            }
            // Positions 0..<length for every row, as transformers' forward without position_ids.
            let positionInput = Tensor(shape: [1, length, 1], scalars: (0..<length).map(Float.init))
            let positions = try context.module("transformer.wpe", positionInput) { _ in
                try weights.rows("transformer.wpe.weight", Array(0..<length)).reshaped([1, length, c.hiddenSize])
            }
            h = tokens + positions
            context.hiddenState(0, h)
        }
        let keyPadding = batch.isPadded ? batch.attentionMask : nil
        for i in context.firstLayer..<c.layerCount {
            let l = "transformer.h.\(i)"
            h = try context.module(l, h) { x in
                let a = try layerNorm(x, "\(l).ln_1", weights: weights, context: context)
                let residual = x + (try context.module("\(l).attn", a) { try attention($0, layer: l, weights: weights, context: context, keyPadding: keyPadding) })
                let m = try layerNorm(residual, "\(l).ln_2", weights: weights, context: context)
                return residual + (try context.module("\(l).mlp", m) { try mlp($0, layer: l, weights: weights, context: context) })
            }
            context.hiddenState(i + 1, h)
        }
        return try layerNorm(h, "transformer.ln_f", weights: weights, context: context)
    }

    func logits(_ hidden: Tensor, weights: CheckpointWeights, context: ForwardContext) throws -> Tensor {
        try context.module("lm_head", hidden) { try weights.product($0, "lm_head.weight") }
    }

    private func layerNorm(_ x: Tensor, _ name: String, weights: CheckpointWeights, context: ForwardContext) throws -> Tensor {
        try context.module(name, x) {
            try $0.layerNorm(weight: weights.declared("\(name).weight"), bias: weights.declared("\(name).bias"), epsilon: c.layerNormEpsilon)
        }
    }

    /// y = x·W + b with a Conv1D weight `[in, out]`.
    private func conv1D(_ x: Tensor, _ name: String, weights: CheckpointWeights, context: ForwardContext) throws -> Tensor {
        try context.module(name, x) { try weights.product($0, "\(name).weight", transposed: false) + weights.declared("\(name).bias") }
    }

    private func attention(_ x: Tensor, layer l: String, weights: CheckpointWeights, context: ForwardContext, keyPadding: Tensor?) throws -> Tensor {
        let (b, length, d) = (x.shape[0], x.shape[1], c.hiddenSize)
        let headWidth = d / c.headCount
        let qkv = try conv1D(x, "\(l).attn.c_attn", weights: weights, context: context).split([d, d, d], axis: 2)
        let heads = qkv.map { $0.reshaped([b, length, c.headCount, headWidth]).permuted([0, 2, 1, 3]) }
        let attended = Tensor.scaledDotProductAttention(query: heads[0], key: heads[1], value: heads[2], causal: true, keyPadding: keyPadding)
        let merged = attended.permuted([0, 2, 1, 3]).reshaped([b, length, d])
        return try conv1D(merged, "\(l).attn.c_proj", weights: weights, context: context)
    }

    private func mlp(_ x: Tensor, layer l: String, weights: CheckpointWeights, context: ForwardContext) throws -> Tensor {
        let hidden = try conv1D(x, "\(l).mlp.c_fc", weights: weights, context: context)
        let activated = try context.module("\(l).mlp.act", hidden) { $0.gelu() }
        return try conv1D(activated, "\(l).mlp.c_proj", weights: weights, context: context)
    }
}
