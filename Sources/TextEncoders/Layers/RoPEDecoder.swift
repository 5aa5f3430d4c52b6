import ModelInterfaces
import Tensors

/// The decoder-only transformer shared by Llama, Qwen2 and the Qwen2.5-VL text tower
/// (transformers `modeling_llama.py`, `modeling_qwen2.py`): pre-norm blocks of grouped-query
/// self-attention with rotary positions and a SiLU-gated MLP, RMSNorm throughout.
///
///     h₀ = embed(ids)
///     hᵢ₊₁ = hᵢ + attention(rmsnorm(hᵢ)) ;  hᵢ₊₁ ← hᵢ₊₁ + down(silu(gate(x)) ⊙ up(x)), x = rmsnorm(hᵢ₊₁)
///     logits = lm_head(rmsnorm(h_L))
///
/// Module and parameter names are `{prefix}.layers.{i}.self_attn.q_proj` and so on, where the
/// prefix is `model` (Qwen2, Llama, older Qwen2.5-VL files) or `model.language_model` (newer
/// Qwen2.5-VL files).
struct RoPEDecoder: LanguageModelArchitecture {
    struct Configuration {
        var modelType: String
        var hiddenSize: Int
        var layerCount: Int
        var headCount: Int
        var keyValueHeadCount: Int
        var headDimension: Int
        var intermediateSize: Int
        var vocabularySize: Int
        var rmsNormEpsilon: Float
        var rotary: RotaryEmbedding
        /// `max_position_embeddings`: the longest sequence a forward pass accepts.
        var maximumPositions: Int
        /// Biases on q/k/v projections (Qwen2: true; Llama: `attention_bias`).
        var queryKeyValueBias: Bool
        /// Bias on the output projection (Llama's `attention_bias`; Qwen2: false).
        var outputBias: Bool
        /// Biases in the MLP projections (Llama's `mlp_bias`).
        var mlpBias: Bool
        var tiedEmbeddings: Bool
        /// `model` or `model.language_model`.
        var prefix: String
        /// Checkpoint key prefixes to ignore (a vision tower).
        var ignoredPrefixes: [String] = []
    }

    let configuration: Configuration

    private var c: Configuration { configuration }
    private func layer(_ i: Int) -> String { "\(c.prefix).layers.\(i)" }

    var info: TextEncoderInfo {
        TextEncoderInfo(modelType: c.modelType, hiddenSize: c.hiddenSize, layerCount: c.layerCount,
                        vocabularySize: c.vocabularySize, moduleNames: moduleNames,
                        layerModuleTemplate: "\(c.prefix).layers.{}", maximumSequenceLength: c.maximumPositions)
    }

    private var moduleNames: [String] {
        var names = ["\(c.prefix).embed_tokens"]
        for i in 0..<c.layerCount {
            let l = layer(i)
            names += [l, "\(l).input_layernorm", "\(l).self_attn", "\(l).self_attn.q_proj", "\(l).self_attn.k_proj",
                      "\(l).self_attn.v_proj", "\(l).self_attn.o_proj", "\(l).post_attention_layernorm", "\(l).mlp",
                      "\(l).mlp.gate_proj", "\(l).mlp.up_proj", "\(l).mlp.act_fn", "\(l).mlp.down_proj"]
        }
        return names + ["\(c.prefix).norm", "lm_head"]
    }

    var declaredParameters: [(String, [Int])] {
        let (d, q, kv, m) = (c.hiddenSize, c.headCount * c.headDimension, c.keyValueHeadCount * c.headDimension, c.intermediateSize)
        var list: [(String, [Int])] = [("\(c.prefix).embed_tokens.weight", [c.vocabularySize, d])]
        for i in 0..<c.layerCount {
            let l = layer(i)
            list.append(("\(l).input_layernorm.weight", [d]))
            for (name, rows) in [("q_proj", q), ("k_proj", kv), ("v_proj", kv)] {
                list.append(("\(l).self_attn.\(name).weight", [rows, d]))
                if c.queryKeyValueBias { list.append(("\(l).self_attn.\(name).bias", [rows])) }
            }
            list.append(("\(l).self_attn.o_proj.weight", [d, q]))
            if c.outputBias { list.append(("\(l).self_attn.o_proj.bias", [d])) }
            list.append(("\(l).post_attention_layernorm.weight", [d]))
            for (name, shape) in [("gate_proj", [m, d]), ("up_proj", [m, d]), ("down_proj", [d, m])] {
                list.append(("\(l).mlp.\(name).weight", shape))
                if c.mlpBias { list.append(("\(l).mlp.\(name).bias", [shape[0]])) }
            }
        }
        list.append(("\(c.prefix).norm.weight", [d]))
        list.append(("lm_head.weight", [c.vocabularySize, d]))
        return list
    }

    var tiedParameters: [String: String] {
        c.tiedEmbeddings ? ["lm_head.weight": "\(c.prefix).embed_tokens.weight"] : [:]
    }

    func forwardBytes(batch: Int, length: Int, logitRows: Int) -> Int {
        ForwardGuards.forwardBytes(batch: batch, length: length, heads: c.headCount, width: max(c.hiddenSize, c.headCount * c.headDimension),
                                   mlpWidth: c.intermediateSize, vocabulary: c.vocabularySize, logitRows: logitRows)
    }

    func isIgnored(_ key: String) -> Bool {
        key.hasSuffix("rotary_emb.inv_freq") || c.ignoredPrefixes.contains { key.hasPrefix($0) }
    }

    func hiddenStates(ids: [Int], batch: TokenBatch, weights: CheckpointWeights, context: ForwardContext) throws -> Tensor {
        let (b, length) = (batch.batchSize, batch.length)
        var h: Tensor
        if let resume = try context.resume(width: c.hiddenSize, layers: c.layerCount) {
            h = resume.hiddenState.onCurrentBackend()
        } else {
            // The embedding's input is the ids (as floats, `[batch, length, 1]`), as in nn.Embedding.
            let idsInput = Tensor(shape: [b, length, 1], scalars: ids.map(Float.init))
            h = try context.module("\(c.prefix).embed_tokens", idsInput) { _ in
                try weights.rows("\(c.prefix).embed_tokens.weight", ids).reshaped([b, length, c.hiddenSize]).onCurrentBackend()
            }
            context.hiddenState(0, h)
        }
        // On the installed backend (if any), the rest of the pass follows h there.
        let (hostCos, hostSin) = c.rotary.tables(length: length)
        let (cos, sin) = (hostCos.onCurrentBackend(), hostSin.onCurrentBackend())
        let keyPadding = batch.isPadded ? batch.attentionMask.onCurrentBackend() : nil
        for i in context.firstLayer..<c.layerCount {
            let l = layer(i)
            h = try context.module(l, h) { x in
                let normed = try context.module("\(l).input_layernorm", x) {
                    try $0.rmsNorm(weight: weights.declared("\(l).input_layernorm.weight"), epsilon: c.rmsNormEpsilon)
                }
                let attended = try context.module("\(l).self_attn", normed) {
                    try attention($0, layer: l, weights: weights, context: context, cos: cos, sin: sin, keyPadding: keyPadding)
                }
                let residual = x + attended
                let normed2 = try context.module("\(l).post_attention_layernorm", residual) {
                    try $0.rmsNorm(weight: weights.declared("\(l).post_attention_layernorm.weight"), epsilon: c.rmsNormEpsilon)
                }
                let mlp = try context.module("\(l).mlp", normed2) { try gatedMLP($0, layer: l, weights: weights, context: context) }
                return residual + mlp
            }
            context.hiddenState(i + 1, h)
        }
        return try context.module("\(c.prefix).norm", h) {
            try $0.rmsNorm(weight: weights.declared("\(c.prefix).norm.weight"), epsilon: c.rmsNormEpsilon)
        }
    }

    func logits(_ hidden: Tensor, weights: CheckpointWeights, context: ForwardContext) throws -> Tensor {
        try context.module("lm_head", hidden) { try weights.product($0, "lm_head.weight") }
    }

    private func projection(_ x: Tensor, _ name: String, bias: Bool, weights: CheckpointWeights, context: ForwardContext) throws -> Tensor {
        try context.module(name, x) { input in
            let out = try weights.product(input, "\(name).weight")
            return bias ? out + (try weights.declared("\(name).bias")) : out
        }
    }

    /// Grouped-query causal self-attention with rotary positions (half-split layout).
    private func attention(_ x: Tensor, layer l: String, weights: CheckpointWeights, context: ForwardContext,
                           cos: Tensor, sin: Tensor, keyPadding: Tensor?) throws -> Tensor {
        let (b, length) = (x.shape[0], x.shape[1])
        func heads(_ t: Tensor, _ count: Int) -> Tensor {
            t.reshaped([b, length, count, c.headDimension]).permuted([0, 2, 1, 3])
        }
        let q = heads(try projection(x, "\(l).self_attn.q_proj", bias: c.queryKeyValueBias, weights: weights, context: context), c.headCount)
        let k = heads(try projection(x, "\(l).self_attn.k_proj", bias: c.queryKeyValueBias, weights: weights, context: context), c.keyValueHeadCount)
        let v = heads(try projection(x, "\(l).self_attn.v_proj", bias: c.queryKeyValueBias, weights: weights, context: context), c.keyValueHeadCount)
        let attended = Tensor.scaledDotProductAttention(
            query: q.applyingRotary(cos: cos, sin: sin, layout: .halfSplit),
            key: k.applyingRotary(cos: cos, sin: sin, layout: .halfSplit),
            value: v, causal: true, keyPadding: keyPadding)
        let merged = attended.permuted([0, 2, 1, 3]).reshaped([b, length, c.headCount * c.headDimension])
        return try projection(merged, "\(l).self_attn.o_proj", bias: c.outputBias, weights: weights, context: context)
    }

    /// down(silu(gate(x)) ⊙ up(x)).
    private func gatedMLP(_ x: Tensor, layer l: String, weights: CheckpointWeights, context: ForwardContext) throws -> Tensor {
        let gate = try projection(x, "\(l).mlp.gate_proj", bias: c.mlpBias, weights: weights, context: context)
        let up = try projection(x, "\(l).mlp.up_proj", bias: c.mlpBias, weights: weights, context: context)
        let activated = try context.module("\(l).mlp.act_fn", gate) { $0.silu() }
        return try projection(activated * up, "\(l).mlp.down_proj", bias: c.mlpBias, weights: weights, context: context)
    }
}
