import Foundation
import KnowledgeEditing
import Linalg
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
/// so that the edited layer maps k₀ exactly to v*. Hparams symbols: `layers` → ℓ,
/// `v_num_grad_steps`, `v_lr`, `v_weight_decay`, `clamp_norm_factor`, `kl_factor` → the
/// optimisation settings; `context_templates` (ours) or sampled templates → the prompts k̄ and v*
/// average over. Layers are processed in ascending order, each seeing the previous layers'
/// updates; the encoder is restored before returning and the updates come back as rank-one
/// ``WeightDelta``s.
public struct ROMEEditor: KnowledgeEditor {
    public static let algorithmName = "ROME"

    public struct Configuration: Sendable {
        public var layers: [Int]
        /// e.g. `model.layers.{}.mlp.down_proj`.
        public var rewriteModuleTemplate: String
        /// e.g. `model.layers.{}.mlp`.
        public var mlpModuleTemplate: String
        public var contextTemplates: [String]
        public var optimisation: TargetOptimization.Settings
        /// C = E[k kᵀ] of the rewrite module's input at a layer, when `mom2_adjustment` is on.
        public var secondMoment: (@Sendable (Int) throws -> Tensor)?

        public init(layers: [Int], rewriteModuleTemplate: String, mlpModuleTemplate: String, contextTemplates: [String],
                    optimisation: TargetOptimization.Settings, secondMoment: (@Sendable (Int) throws -> Tensor)? = nil) {
            self.layers = layers
            self.rewriteModuleTemplate = rewriteModuleTemplate
            self.mlpModuleTemplate = mlpModuleTemplate
            self.contextTemplates = contextTemplates
            self.optimisation = optimisation
            self.secondMoment = secondMoment
        }
    }

    public let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    public func edit(
        _ requests: [EditRequest], encoder: any TextEncoder, state: EditState, progress: (any ProgressReporter)?
    ) throws -> EditResult {
        guard requests.count == 1 else { throw EditRequestError.tooManyRequests(algorithm: Self.algorithmName, count: requests.count, maximum: 1) }
        let prompt = try SubjectPrompt(requests[0], index: 0, encoder: encoder)
        let modules = try configuration.layers.sorted().map { layer in
            (layer, try SubjectKeys.module(configuration.rewriteModuleTemplate, layer: layer, in: encoder),
             try SubjectKeys.module(configuration.mlpModuleTemplate, layer: layer, in: encoder))
        }
        var restore: [(String, Tensor?)] = []
        defer { for (name, value) in restore.reversed() { try? encoder.setParameter(name, value) } }
        var deltas: [WeightDelta] = [], diagnostics = EditDiagnostics()
        for (layer, rewrite, mlp) in modules {
            let u = try leftVector(prompt, layer: layer, module: rewrite, encoder: encoder)
            let optimised = try TargetOptimization.run(prompt, templates: configuration.contextTemplates, layer: layer,
                                                       module: mlp, encoder: encoder, settings: configuration.optimisation,
                                                       progress: progress)
            let bare = try SubjectKeys.bareKeysAndOutputs([prompt], module: rewrite, encoder: encoder)
            let (k0, output0) = (bare.keys.reshaped([-1]), bare.outputs.reshaped([-1]))
            let w = (optimised.target - output0) / (k0 * u).sum()
            let parameter = rewrite + ".weight"
            let weight = try encoder.parameter(parameter)
            let delta = try SubjectKeys.update(parameter: parameter, weightShape: weight.shape,
                                               values: w.reshaped([-1, 1]), keys: u.reshaped([-1, 1]))
            deltas.append(delta)
            restore.append((parameter, encoder.hasReplacement(parameter) ? weight : nil))
            try encoder.setParameter(parameter, weight + delta.dense)
            diagnostics.losses += optimised.diagnostics.losses
            for (key, value) in optimised.diagnostics.values { diagnostics.values["layer\(layer).\(key)"] = value }
            diagnostics.vectors["layer\(layer).target"] = optimised.target.scalars
            diagnostics.vectors["layer\(layer).key"] = k0.scalars
        }
        return EditResult(deltas: deltas, diagnostics: [diagnostics])
    }

    /// u = normalise(C⁻¹ k̄) (or normalise(k̄)), k̄ the mean key over the context templates.
    func leftVector(_ prompt: SubjectPrompt, layer: Int, module: String, encoder: any TextEncoder) throws -> Tensor {
        let keys = try SubjectKeys.keys([prompt], templates: configuration.contextTemplates, module: module, encoder: encoder)
        var u = keys.mean(axes: [0])
        if let secondMoment = configuration.secondMoment {
            let c = Matrix<Double>(try Matrix<Float>(try secondMoment(layer)))
            let solved = try solve(c, Matrix<Double>(try Matrix<Float>(u.reshaped([-1, 1]))))
            u = Tensor(Matrix<Float>(solved)).reshaped([-1])
        }
        return u / u.squared().sum().sqrt()
    }
}
