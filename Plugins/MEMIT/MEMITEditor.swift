import Foundation
import KnowledgeEditing
import Linalg
import ModelInterfaces
import Tensors

/// MEMIT, Mass-Editing Memory in a Transformer (Meng et al., ICLR 2023; EasyEdit
/// `easyeditor/models/memit`): writes a batch of n facts into the MLP output projections of
/// several layers R = `layers` at once.
///
/// 1. For each request i, z_i = v₀ + δ_i is found by ``TargetOptimization`` with δ added to the
///    output of the last layer's block L = max R (`layer_module_tmp`), the residual stream.
/// 2. For each layer l ∈ R in ascending order (position i in R), with the earlier layers'
///    updates already in place:
///
///        K   = keys at the subject's last token (input of `rewrite_module_tmp` at l), averaged
///              within and then across the template groups ({"{}"} and the other templates),
///              `[d_ff, n]`
///        R_l = (Z − Z_cur) / (|R| − i)   (Z_cur: block L's output at the bare prompts now)
///        Δ_l = R_l · [(λ C_l + K Kᵀ)⁻¹ K]ᵀ        (solved in Float64 by Cholesky)
///
///    the least-squares update min ‖Δ K − R_l‖² + λ tr(Δ C_l Δᵀ), with C_l = E[k kᵀ] the layer's
///    key second moment and λ = `mom2_update_weight`.
///
/// Updates come back rank-n (`left` R_l, `right` Aᵀ). Symbols: `layers` → R,
/// `mom2_update_weight` → λ, `v_*`, `clamp_norm_factor`, `kl_factor` → the z optimisation.
/// The loss is computed from the model's logits, so `v_loss_layer` must be the last layer (as in
/// every EasyEdit yaml); ``check(_:encoder:)`` verifies it before any computation.
public struct MEMITEditor: EditorPlugin {
    public static let algorithmName = "MEMIT"

    public let hyperparameters: MEMITHyperparameters
    /// C_l = E[k kᵀ] of the rewrite module's input at layer l.
    public let secondMoment: (Int) throws -> Tensor
    /// Whether ``edit(_:encoder:state:)`` returns z and every layer's keys as
    /// ``EditResult/intermediates`` (`z`, `<module>.keys`).
    public var recordsIntermediates = false
    /// Where phases and steps are reported (the context's; `nil`: silent).
    public var progress: LabelledProgress?

    public init(_ hyperparameters: MEMITHyperparameters, secondMoment: @escaping (Int) throws -> Tensor) {
        self.hyperparameters = hyperparameters
        self.secondMoment = secondMoment
    }

    /// Reads C_l from `context` for the rewrite module.
    public init(_ hyperparameters: MEMITHyperparameters, context: EditingContext) {
        self.init(hyperparameters, secondMoment: context.secondMoment(hyperparameters.rewriteModule))
        recordsIntermediates = context.recordsIntermediates
        progress = context.progress
    }

    public func edit(
        _ requests: [EditRequest], encoder: any TextEncoder, state: EditState
    ) throws -> EditResult {
        let h = hyperparameters
        try check(requests, encoder: encoder)
        let layers = h.layers.sorted()
        guard let last = layers.last else { return EditResult(deltas: [], diagnostics: []) }
        let zModule = try h.layerModule.resolve(layer: last, in: encoder.info)
        let rewrites = try h.rewriteModule.resolve(layers: layers, in: encoder.info)
        let prompts = try requests.enumerated().map { try SubjectPrompt($0.element, index: $0.offset, encoder: encoder) }
        let templates = try h.common.contextTemplates(lengths: ResidualSpread.templateLengths, encoder: encoder, state: state)
        // Statistics first: a missing corpus fails before any optimisation, and statistics computed
        // on demand see the weights as they were before this call's temporary updates.
        let covariances = try layers.map { try secondMoment($0) }
        let (goals, diagnostics) = try ResidualSpread.targets(
            prompts, templates: templates, layer: last, module: zModule, encoder: encoder,
            settings: h.common.optimisation, progress: progress)
        var intermediates: [String: Tensor] = recordsIntermediates ? ["z": goals] : [:]
        let deltas = try ResidualSpread.apply(
            goals: goals, prompts: prompts, templates: templates, modules: rewrites, zModule: zModule, encoder: encoder,
            progress: progress
        ) { i, keys in
            if recordsIntermediates { intermediates["\(rewrites[i]).keys"] = keys }
            return try Self.solve(keys: keys, secondMoment: covariances[i], weight: Float(h.covarianceUpdateWeight))
        }
        return EditResult(deltas: deltas, diagnostics: diagnostics, intermediates: intermediates)
    }

    public func check(_ requests: [EditRequest], encoder: any TextEncoder) throws {
        try hyperparameters.common.checkSupported(by: encoder.info)
        for (index, request) in requests.enumerated() { _ = try SubjectPrompt(request, index: index, encoder: encoder) }
        try EditWorkingSet(
            modules: try hyperparameters.rewriteModule.resolve(layers: hyperparameters.layers, in: encoder.info),
            heldSquareBytes: 4, transientSquareBytes: Self.solveSquareBytes
        ).check(algorithm: Self.algorithmName, encoder: encoder)
    }

    /// Bytes per d² entry of ``solve(keys:secondMoment:weight:)``: C in Float32 and Float64, the
    /// Float64 system and its Cholesky factor (every layer's C stays in Float32 for the call).
    static let solveSquareBytes = 4 + 8 + 8 + 8

    /// A = (λ C + Kᵀ K)⁻¹ Kᵀ for keys K `[n, d_ff]`, in Float64 by Cholesky: `[d_ff, n]`.
    static func solve(keys: Tensor, secondMoment: Tensor, weight: Float) throws -> Tensor {
        let k = Matrix<Double>(try Matrix<Float>(keys))
        let c = Matrix<Double>(try Matrix<Float>(secondMoment))
        var system = try matmul(k, k, transposeA: true)
        for row in 0..<system.rows {
            for column in 0..<system.columns { system[row, column] += Double(weight) * c[row, column] }
        }
        let factor = try cholesky(system)
        let solution = try choleskySolve(factor: factor, k.transposed)
        return Tensor(Matrix<Float>(solution))
    }
}
