import ModelInterfaces
import Tensors

/// The two steps that MEMIT and AlphaEdit share around their different solves.
public enum ResidualSpread {
    /// EasyEdit's MEMIT/AlphaEdit templates: `"{}"` and five sampled 10-token prefixes.
    public static let templateLengths = [(tokenCount: 10, count: 5)]

    /// z_i = v₀ + δ_i for every request (``TargetOptimization`` with δ on `module`, the output of
    /// block `layer`): the goals `[n, d]`, and per-request diagnostics that include the vector
    /// `"target"`.
    public static func targets(
        _ prompts: [SubjectPrompt], templates: [String], layer: Int, module: String, encoder: any TextEncoder,
        settings: TargetOptimization.Settings, progress: (any ProgressReporter)?
    ) throws -> (goals: Tensor, diagnostics: [EditDiagnostics]) {
        var rows: [Tensor] = [], diagnostics: [EditDiagnostics] = []
        for prompt in prompts {
            let z = try TargetOptimization.run(prompt, templates: templates, layer: layer, module: module,
                                               encoder: encoder, settings: settings, progress: progress)
            rows.append(z.target.reshaped([1, -1]))
            var values = z.diagnostics
            values.vectors["target"] = z.target.scalars
            diagnostics.append(values)
        }
        return (Tensor.concat(rows, axis: 0), diagnostics)
    }

    /// Spreads the remaining residual over the edited layers in ascending order: for layer i of
    /// |R|, with the earlier layers' updates in place, K = the grouped keys at its rewrite module,
    /// R_i = (Z − Z_cur) / (|R| − i) with Z_cur block `zModule`'s output at the bare prompts, and
    /// Δ_i = R_iᵀ · `solve`(i, K)ᵀ, i.e. `solve` returns the key side `[d_ff, n]` of a rank-n
    /// update. The encoder's parameters are restored before returning.
    ///
    /// - Parameters:
    ///   - modules: the rewrite module of each layer, in ascending layer order.
    ///   - solve: the method's solve, given the layer's position in `modules` and K `[n, d_ff]`.
    public static func apply(
        goals: Tensor, prompts: [SubjectPrompt], templates: [String], modules: [String], zModule: String,
        encoder: any TextEncoder, progress: (any ProgressReporter)?, solve: (Int, Tensor) throws -> Tensor
    ) throws -> [WeightDelta] {
        var restore: [(String, Tensor?)] = []
        defer { for (name, value) in restore.reversed() { try? encoder.setParameter(name, value) } }
        var deltas: [WeightDelta] = []
        for (i, module) in modules.enumerated() {
            progress?.begin("\(module): solving the update", total: nil)
            defer { progress?.end() }
            let keys = try SubjectKeys.groupedKeys(prompts, templates: templates, module: module, encoder: encoder)
            let current = try SubjectKeys.bareKeysAndOutputs(prompts, module: zModule, encoder: encoder).outputs
            let residual = (goals - current) / Float(modules.count - i)                          // [n, d]
            let keySide = try solve(i, keys)                                                     // [d_ff, n]
            let parameter = ModuleTemplate.weightName(ofModule: module)
            let weight = try encoder.parameter(parameter)
            let delta = try SubjectKeys.update(parameter: parameter, weightShape: weight.shape,
                                               values: residual.transposedLast, keys: keySide)
            deltas.append(delta)
            restore.append((parameter, encoder.hasReplacement(parameter) ? weight : nil))
            try encoder.setParameter(parameter, delta.added(to: weight))
        }
        return deltas
    }
}
