import ModelInterfaces
import Tensors

/// Keys (inputs of the edited weight) at the subject's last token, and the key→value update
/// layout that locate-then-edit methods share.
public enum SubjectKeys {
    /// The input of `module` at the subject's last token of every prompt in every template, in
    /// one batched pass that stops after `module`: `[prompts.count × templates.count, width]`,
    /// prompt-major.
    public static func keys(
        _ prompts: [SubjectPrompt], templates: [String], module: String, encoder: any TextEncoder
    ) throws -> Tensor {
        try keysAndOutputs(prompts, templates: templates, module: module, encoder: encoder).keys
    }

    /// Input and output of `module` at the subject's last token of every prompt in every
    /// template, in one batched pass that stops after `module`:
    /// `([prompts.count × templates.count, key width], [prompts.count × templates.count, output width])`,
    /// prompt-major.
    public static func keysAndOutputs(
        _ prompts: [SubjectPrompt], templates: [String], module: String, encoder: any TextEncoder
    ) throws -> (keys: Tensor, outputs: Tensor) {
        var sequences: [[Int]] = [], ends: [Int] = []
        for prompt in prompts {
            for template in templates {
                let (ids, end) = try prompt.tokens(in: template, encoder: encoder)
                sequences.append(ids)
                ends.append(end)
            }
        }
        let batch = TokenBatch(sequences, padding: .right)
        let rows = ends.enumerated().map { batch.row($0.offset, $0.element) }
        var hooks = ForwardHooks()
        let keys = hooks.capture(module, .input, at: rows)
        let outputs = hooks.capture(module, .output, at: rows)
        hooks.stopAfter = module
        let out = try encoder.forward(batch, hooks: hooks)
        return (try out[keys], try out[outputs])
    }

    /// The key of each request as MEMIT and AlphaEdit define it (EasyEdit `compute_ks`): the mean
    /// over template groups of the mean key within each group, the groups being the bare `"{}"`
    /// template and the other templates (EasyEdit's `[["{}"], [samples]]`): `[prompts.count, width]`.
    public static func groupedKeys(
        _ prompts: [SubjectPrompt], templates: [String], module: String, encoder: any TextEncoder
    ) throws -> Tensor {
        let bare = templates.indices.filter { templates[$0] == "{}" }
        let groups = [bare, templates.indices.filter { templates[$0] != "{}" }].filter { !$0.isEmpty }
        let all = try keys(prompts, templates: templates, module: module, encoder: encoder)
            .reshaped([prompts.count, templates.count, -1])
        let means = groups.map { all.indexSelect(axis: 1, $0).mean(axes: [1]) }   // each [n, width]
        return means.dropFirst().reduce(means[0], +) / Float(means.count)
    }

    /// Input and output of `module` at the subject's last token of each bare prompt:
    /// `([n, key width], [n, output width])`.
    public static func bareKeysAndOutputs(
        _ prompts: [SubjectPrompt], module: String, encoder: any TextEncoder
    ) throws -> (keys: Tensor, outputs: Tensor) {
        try keysAndOutputs(prompts, templates: ["{}"], module: module, encoder: encoder)
    }

    /// Δ = V Kᵀ (values `[valueWidth, r]`, keys `[keyWidth, r]`) stored low-rank in the layout of
    /// a weight of shape `weightShape`: `[value, key]` (Hugging Face Linear) → left V, right Kᵀ;
    /// `[key, value]` (GPT-2 Conv1D) → left K, right Vᵀ.
    public static func update(parameter: String, weightShape: [Int], values: Tensor, keys: Tensor) throws -> WeightDelta {
        let (valueWidth, keyWidth) = (values.shape[0], keys.shape[0])
        if weightShape == [valueWidth, keyWidth] {
            return WeightDelta(parameter: parameter, value: .lowRank(left: values, right: keys.transposedLast))
        }
        if weightShape == [keyWidth, valueWidth] {
            return WeightDelta(parameter: parameter, value: .lowRank(left: keys, right: values.transposedLast))
        }
        throw EditRequestError.incompatibleWeight(parameter: parameter, shape: weightShape, keyWidth: keyWidth, valueWidth: valueWidth)
    }
}
