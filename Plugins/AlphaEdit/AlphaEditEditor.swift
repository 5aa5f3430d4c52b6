import KnowledgeEditing
import ModelInterfaces
import Tensors

/// AlphaEdit, null-space constrained knowledge editing (Fang et al., ICLR 2025; EasyEdit
/// `easyeditor/models/alphaedit`): MEMIT's multi-layer update, confined to the null space of the
/// keys the model must preserve, and aware of every earlier edit's keys.
///
/// 1. For each request i, z_i is found by ``TargetOptimization`` at the output of the last layer's
///    block L = max R (`layer_module_tmp`), exactly as in MEMIT.
/// 2. For each layer l ∈ R = `layers` in ascending order (position i), with the earlier layers'
///    updates in place, K (d_ff × n) and R_l = (Z − Z_cur) / (|R| − i) are MEMIT's keys and
///    residual share, and
///
///        Δ_lᵀ = [P_l (K Kᵀ + C_p,l) + α I]⁻¹ P_l K R_lᵀ,      i.e.  Δ_l = R_l Bᵀ,
///
///    where P_l = U₀ U₀ᵀ projects onto the eigenvectors of C_l = E[k kᵀ] with |λ| below
///    `nullspace_threshold` (``NullSpaceProjector``), C_p,l = K_p K_pᵀ sums the keys of all
///    earlier edits at l (the key cache), and α = `L2`. B = P_l B, so Δ_l k₀ ≈ 0 for every key
///    k₀ the statistics were collected on: the preserved outputs W k₀ stay as they were. The
///    C_p term keeps earlier edits' outputs nearly unchanged too (to within the α-weighted
///    residual of the least-squares fit). The solve is ``solve(keys:previousKeys:projector:l2:)``.
/// 3. After a successful call, C_p,l ← C_p,l + K Kᵀ for every layer. (EasyEdit recomputes K after
///    all layers are updated; a layer's keys depend only on the layers below it, which are already
///    updated when it is solved, so they are the same keys.)
///
/// Updates come back rank-n (`left` R_l, `right` Bᵀ). State in ``EditState``:
/// - P_l is cached (``EditState/cached(_:_:)``) under the model fingerprint, the module, the
///   threshold and a SHA-256 of C_l (never under a file path: `P_loc` is not read);
/// - C_p,l is the persistent tensor `alphaedit.<module>.cache` (``keyCacheName(module:)``, Float32
///   as in EasyEdit), part of the state's ``EditState/tensors`` and cleared by
///   ``EditState/reset()``. Like EasyEdit (without `reset_cache`), it keeps the keys of edits that
///   a session later undoes. It is written only when the whole call succeeds.
///
/// Precision and cost: P_l comes from a Float64 symmetric eigendecomposition (about 9 d_ff³ flops,
/// once per model, module, statistics and threshold); each call reads C_l and hashes it (4 d_ff²
/// bytes) to find P_l, and solves an m × m system in Float64 (m = the null-space dimension; see
/// ``solve(keys:previousKeys:projector:l2:)``). EasyEdit solves the d_ff × d_ff system in Float32.
///
/// Symbols: `layers` → R, `nullspace_threshold` → the eigenvalue bound of P, `L2` → α,
/// `v_*`, `clamp_norm_factor`, `kl_factor` → the z optimisation. `mom2_update_weight` is unused
/// (EasyEdit's solve does not read it either). The loss is computed from the model's logits, so
/// `v_loss_layer` must be the last layer (as in every EasyEdit yaml).
public struct AlphaEditEditor: EditorPlugin {
    public static let algorithmName = "AlphaEdit"

    public let hyperparameters: AlphaEditHyperparameters
    /// C_l = E[k kᵀ] of the rewrite module's input at layer l.
    public let secondMoment: (Int) throws -> Tensor
    /// Whether ``edit(_:encoder:state:)`` returns z, every layer's keys and projector as
    /// ``EditResult/intermediates`` (`z`, `<module>.keys`, `<module>.P`; P costs 2d²m flops and
    /// d² numbers per layer).
    public var recordsIntermediates = false
    /// Where phases and steps are reported (the context's; `nil`: silent).
    public var progress: LabelledProgress?

    public init(_ hyperparameters: AlphaEditHyperparameters, secondMoment: @escaping (Int) throws -> Tensor) {
        self.hyperparameters = hyperparameters
        self.secondMoment = secondMoment
    }

    /// Reads C_l from `context` for the rewrite module.
    public init(_ hyperparameters: AlphaEditHyperparameters, context: EditingContext) {
        self.init(hyperparameters, secondMoment: context.secondMoment(hyperparameters.rewriteModule))
        recordsIntermediates = context.recordsIntermediates
        progress = context.progress
    }

    /// The ``EditState/tensors`` entry holding C_p = K_p K_pᵀ for `module`.
    public static func keyCacheName(module: String) -> String { "alphaedit.\(module).cache" }

    /// What one edited layer needs, checked before any optimisation.
    struct Layer {
        let index: Int, module: String, parameter: String
        let projector: NullSpaceProjector
        let previousKeys: Tensor?
    }

    public func edit(
        _ requests: [EditRequest], encoder: any TextEncoder, state: EditState
    ) throws -> EditResult {
        let h = hyperparameters
        try check(requests, encoder: encoder)
        let indices = h.layers.sorted()
        guard let last = indices.last else { return EditResult(deltas: [], diagnostics: []) }
        let zModule = try h.layerModule.resolve(layer: last, in: encoder.info)
        let modules = try h.rewriteModule.resolve(layers: indices, in: encoder.info)
        let prompts = try requests.enumerated().map {
            try SubjectPrompt($0.element, index: $0.offset, encoder: encoder)
        }
        let layers = try zip(indices, modules).map {
            try prepare(layer: $0, module: $1, encoder: encoder, state: state)
        }
        let templates = try h.common.contextTemplates(lengths: ResidualSpread.templateLengths, encoder: encoder, state: state)
        let targets = try ResidualSpread.targets(
            prompts, templates: templates, layer: last, module: zModule, encoder: encoder,
            settings: h.common.optimisation, progress: progress)
        var diagnostics = targets.diagnostics
        for index in diagnostics.indices {
            for layer in layers {
                diagnostics[index].values["layer\(layer.index).null_space_dimension"] = Float(layer.projector.nullSpaceDimension)
            }
        }
        var keyCaches: [String: Tensor] = [:]
        var intermediates: [String: Tensor] = recordsIntermediates ? ["z": targets.goals] : [:]
        let deltas = try ResidualSpread.apply(
            goals: targets.goals, prompts: prompts, templates: templates, modules: layers.map(\.module), zModule: zModule,
            encoder: encoder, progress: progress
        ) { i, keys in
            let layer = layers[i]
            if recordsIntermediates {
                intermediates["\(layer.module).keys"] = keys
                intermediates["\(layer.module).P"] = try layer.projector.matrix
            }
            let keyGram = keys.matmul(keys, transposeSelf: true)                              // K Kᵀ: [d_ff, d_ff]
            keyCaches[Self.keyCacheName(module: layer.module)] = layer.previousKeys.map { $0 + keyGram } ?? keyGram
            return try Self.solve(keys: keys, previousKeys: layer.previousKeys, projector: layer.projector, l2: h.l2)
        }
        state.tensors.merge(keyCaches) { _, updated in updated }
        return EditResult(deltas: deltas, diagnostics: diagnostics, intermediates: intermediates)
    }

    public func check(_ requests: [EditRequest], encoder: any TextEncoder) throws {
        try hyperparameters.common.checkSupported(by: encoder.info)
        for (index, request) in requests.enumerated() { _ = try SubjectPrompt(request, index: index, encoder: encoder) }
        // Every layer keeps C and its projector P (Float32, in the state); the decomposition works
        // on Float64 copies of C, its eigenvectors and the null-space basis.
        try EditWorkingSet(
            modules: try hyperparameters.rewriteModule.resolve(layers: hyperparameters.layers, in: encoder.info),
            heldSquareBytes: 4 + 4, transientSquareBytes: 4 + 8 + 8 + 8
        ).check(algorithm: Self.algorithmName, encoder: encoder)
    }

    /// Reads and checks layer `index`'s statistics, projector and key cache.
    ///
    /// - Throws: ``AlphaEditError/statisticsShapeMismatch(module:statisticsShape:weightShape:modelWidth:)``,
    ///   ``AlphaEditError/projectorShapeMismatch(module:expected:found:)``,
    ///   ``AlphaEditError/emptyNullSpace(module:threshold:smallestEigenvalue:)``,
    ///   ``AlphaEditError/keyCacheShapeMismatch(name:expected:found:)``, and the errors of reading
    ///   the statistics and decomposing them.
    func prepare(layer index: Int, module: String, encoder: any TextEncoder, state: EditState) throws -> Layer {
        let parameter = ModuleTemplate.weightName(ofModule: module)
        let weightShape = try encoder.parameterShape(parameter)
        let statistics = try secondMoment(index)
        let width = encoder.info.hiddenSize
        let keyWidth = statistics.shape.first ?? 0
        guard statistics.shape == [keyWidth, keyWidth],
              weightShape == [width, keyWidth] || weightShape == [keyWidth, width] else {
            throw AlphaEditError.statisticsShapeMismatch(
                module: module, statisticsShape: statistics.shape, weightShape: weightShape, modelWidth: width)
        }
        let projector = try NullSpaceProjector.cached(
            for: module, fingerprint: encoder.fingerprint, secondMoment: statistics,
            threshold: hyperparameters.nullspaceThreshold, state: state)
        guard projector.nullSpaceDimension > 0 else {
            throw AlphaEditError.emptyNullSpace(
                module: module, threshold: projector.threshold,
                smallestEigenvalue: projector.eigenvalues.map(abs).min() ?? 0)
        }
        let cacheName = Self.keyCacheName(module: module)
        let previousKeys = state.tensors[cacheName]
        if let previousKeys, previousKeys.shape != [keyWidth, keyWidth] {
            throw AlphaEditError.keyCacheShapeMismatch(name: cacheName, expected: [keyWidth, keyWidth],
                                                       found: previousKeys.shape)
        }
        return Layer(index: index, module: module, parameter: parameter, projector: projector,
                     previousKeys: previousKeys)
    }
}
