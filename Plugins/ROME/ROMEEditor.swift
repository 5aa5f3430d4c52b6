import Foundation
import KnowledgeEditing
import Linalg
import ModelInterfaces
import Tensors

/// ROME, Rank-One Model Editing (Meng et al., NeurIPS 2022; EasyEdit `easyeditor/models/rome`):
/// writes one fact as a rank-one update of one MLP output projection per layer.
///
/// For layer ℓ with weight W (`rewrite_module_tmp`, input k ∈ R^{d_ff}, output v ∈ R^d):
///
///     u  = normalise( C⁻¹ k̄ )   (k̄ = mean key at the subject's last token over the context
///                                templates; C = E[k kᵀ] from layer statistics when
///                                `mom2_adjustment`, else C = I)
///     v* = target vector found by ``TargetOptimization`` at `mlp_module_tmp` (δ added to the
///          MLP output)
///     w  = (v* − W k₀ − b) / (k₀ · u)   (k₀: key of the bare prompt)
///     W ← W + w uᵀ
///
/// so that the edited layer maps k₀ exactly to v*. r-ROME's flags choose other keys for u and
/// the solve (``ROMEKeySource``: k₀ for both, or k̄ and the mean output v̄ for both, so that
/// W' k̄ = v*); `alg_name: R-ROME` files run here. Hparams symbols: `layers` → ℓ,
/// `v_num_grad_steps`, `v_lr`, `v_weight_decay`, `clamp_norm_factor`, `kl_factor` → the
/// optimisation settings; `context_templates` (ours) or templates sampled per
/// `context_template_length_params` → the prompts k̄ and v* average over. Layers are processed
/// in ascending order, each seeing the previous layers' updates; the encoder is restored before
/// returning and the updates come back as rank-one ``WeightDelta``s.
public struct ROMEEditor: EditorPlugin {
    public static let algorithmName = "ROME"

    public let hyperparameters: ROMEHyperparameters
    /// C = E[k kᵀ] of the rewrite module's input at a layer; used when `mom2_adjustment` is on.
    public let secondMoment: ((Int) throws -> Tensor)?
    /// Whether ``edit(_:encoder:state:)`` returns u and v* of every layer as
    /// ``EditResult/intermediates`` (`<module>.u`, `<module>.v_star`).
    public var recordsIntermediates = false
    /// Where phases and steps are reported (the context's; `nil`: silent).
    public var progress: LabelledProgress?

    public init(_ hyperparameters: ROMEHyperparameters, secondMoment: ((Int) throws -> Tensor)? = nil) {
        self.hyperparameters = hyperparameters
        self.secondMoment = secondMoment
    }

    /// Reads C from `context` only when `mom2_adjustment` asks for it.
    public init(_ hyperparameters: ROMEHyperparameters, context: EditingContext) {
        self.init(
            hyperparameters,
            secondMoment: hyperparameters.usesCovariance ? context.secondMoment(hyperparameters.rewriteModule) : nil)
        recordsIntermediates = context.recordsIntermediates
        progress = context.progress
    }

    public func edit(
        _ requests: [EditRequest], encoder: any TextEncoder, state: EditState
    ) throws -> EditResult {
        let h = hyperparameters
        guard requests.count == 1 else { throw EditRequestError.tooManyRequests(algorithm: Self.algorithmName, count: requests.count, maximum: 1) }
        try check(requests, encoder: encoder)
        let layers = h.layers.sorted()
        let rewrites = try h.rewriteModule.resolve(layers: layers, in: encoder.info)
        let mlps = try h.mlpModule.resolve(layers: layers, in: encoder.info)
        let prompt = try SubjectPrompt(requests[0], index: 0, encoder: encoder)
        let templates = try h.common.contextTemplates(
            lengths: h.contextTemplateLengths.map { ($0.tokenCount, $0.count) }, encoder: encoder, state: state)

        var restore: [(String, Tensor?)] = []
        defer { for (name, value) in restore.reversed() { try? encoder.setParameter(name, value) } }
        var deltas: [WeightDelta] = [], diagnostics = EditDiagnostics(), intermediates: [String: Tensor] = [:]
        for (layer, (rewrite, mlp)) in zip(layers, zip(rewrites, mlps)) {
            let averaged = try SubjectKeys.keysAndOutputs([prompt], templates: templates, module: rewrite, encoder: encoder)
            let bare = try SubjectKeys.bareKeysAndOutputs([prompt], module: rewrite, encoder: encoder)
            let (meanKey, k0) = (averaged.keys.mean(axes: [0]), bare.keys.reshaped([-1]))
            let u = try leftVector(meanKey: h.keySource == .promptKeys ? k0 : meanKey, layer: layer)
            let optimised = try TargetOptimization.run(prompt, templates: templates, layer: layer, module: mlp,
                                                       encoder: encoder, settings: h.common.optimisation, progress: progress)
            // The key the update maps to v*, and the module's output there (ROMEKeySource).
            let (key, output) = h.keySource == .randomPrefixKeys
                ? (meanKey, averaged.outputs.mean(axes: [0])) : (k0, bare.outputs.reshaped([-1]))
            let w = (optimised.target - output) / (key * u).sum()
            let parameter = ModuleTemplate.weightName(ofModule: rewrite)
            let weight = try encoder.parameter(parameter)
            let delta = try SubjectKeys.update(parameter: parameter, weightShape: weight.shape,
                                               values: w.reshaped([-1, 1]), keys: u.reshaped([-1, 1]))
            deltas.append(delta)
            restore.append((parameter, encoder.hasReplacement(parameter) ? weight : nil))
            try encoder.setParameter(parameter, delta.added(to: weight))
            diagnostics.losses += optimised.diagnostics.losses
            for (key, value) in optimised.diagnostics.values { diagnostics.values["layer\(layer).\(key)"] = value }
            diagnostics.vectors["layer\(layer).target"] = optimised.target.scalars
            diagnostics.vectors["layer\(layer).key"] = key.scalars
            if recordsIntermediates {
                intermediates["\(rewrite).u"] = u
                intermediates["\(rewrite).v_star"] = optimised.target
            }
        }
        return EditResult(deltas: deltas, diagnostics: [diagnostics], intermediates: intermediates)
    }

    public func check(_ requests: [EditRequest], encoder: any TextEncoder) throws {
        try hyperparameters.common.checkSupported(by: encoder.info)
        if hyperparameters.usesCovariance && secondMoment == nil {
            throw EditRequestError.unsupportedHyperparameter(key: "mom2_adjustment", reason: "true, but no layer statistics were provided")
        }
        for (index, request) in requests.enumerated() { _ = try SubjectPrompt(request, index: index, encoder: encoder) }
        try workingSet(encoder: encoder).check(algorithm: Self.algorithmName, encoder: encoder)
    }

    /// Each layer's edited weight; with `mom2_adjustment`, every layer's C (Float32, kept by the
    /// statistics provider) and the solve's Float32 and Float64 copies of one C and its LU factor.
    func workingSet(encoder: any TextEncoder) throws -> EditWorkingSet {
        let covariance = hyperparameters.usesCovariance
        return EditWorkingSet(
            modules: try hyperparameters.rewriteModule.resolve(layers: hyperparameters.layers, in: encoder.info),
            heldSquareBytes: covariance ? 4 : 0, transientSquareBytes: covariance ? 4 + 8 + 8 : 0)
    }

    /// u = normalise(C⁻¹ k̄) with `mom2_adjustment`, else normalise(k̄).
    func leftVector(meanKey: Tensor, layer: Int) throws -> Tensor {
        var u = meanKey
        if hyperparameters.usesCovariance, let secondMoment {
            let c = Matrix<Double>(try Matrix<Float>(try secondMoment(layer)))
            let solved = try solve(c, Matrix<Double>(try Matrix<Float>(u.reshaped([-1, 1]))))
            u = Tensor(Matrix<Float>(solved)).reshaped([-1])
        }
        return u / u.squared().sum().sqrt()
    }
}
