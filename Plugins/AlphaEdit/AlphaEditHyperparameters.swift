import KnowledgeEditing
import MEMIT

/// AlphaEdit's hparams, with the keys of EasyEdit's `easyeditor/models/alphaedit/AlphaEdit_hparams.py`
/// (`alg_name: AlphaEdit`).
///
/// AlphaEdit (Fang et al., ICLR 2025) is MEMIT with the covariance penalty replaced by a
/// projection: the update of each layer l ∈ `layers` is confined to the approximate null space of
/// the preserved keys, P_l = U₀ U₀ᵀ, where U₀ are the eigenvectors of C_l = E[k kᵀ] whose
/// eigenvalue is below `nullspace_threshold` in absolute value (EasyEdit keeps the singular values
/// of C_l below it, which for a symmetric C are the |λ|), and
///
///     Δ_lᵀ = [P_l (K_l K_lᵀ + K_p K_pᵀ) + L2 · I]⁻¹ P_l K_l R_lᵀ,
///
/// with K_l (d_ff × n) the keys, R_l the residual share of MEMIT and K_p K_pᵀ the keys of every
/// earlier edit (the key cache). The keys of the z optimisation, C and the templates are those of
/// ``LocateThenEditHyperparameters``, exposed here directly (`hparams.valueLearningRate`).
///
/// Keys and defaults: every key of ``LocateThenEditHyperparameters``, plus `layer_selection`,
/// `mom2_update_weight` and `batch_size` (default 1) as in ``MEMITHyperparameters``, plus
/// `nullspace_threshold`, `L2` and `P_loc` (optional). Like MEMIT there is no `fp16` and no
/// `context_template_length_params` key.
public struct AlphaEditHyperparameters: LocateThenEditHyperparameterSet, Equatable {
    /// The MEMIT keys (which include those shared with ROME); AlphaEdit reads MEMIT's file format
    /// and adds its own three keys.
    public var memit: MEMITHyperparameters
    /// The keys shared with ROME and MEMIT.
    public var common: LocateThenEditHyperparameters {
        get { memit.common }
        set { memit.common = newValue }
    }
    /// `layer_selection`: declared by EasyEdit (`all` in every file) and not used by its solve.
    public var layerSelection: LayerSelection { memit.layerSelection }
    /// `mom2_update_weight`: MEMIT's λ. Required, as EasyEdit's dataclass requires it, but
    /// **unused**: AlphaEdit's solve has no λC term (the projector protects the preserved keys).
    public var covarianceUpdateWeight: Double { memit.covarianceUpdateWeight }
    /// `batch_size` (default 1): the number of requests edited in one call.
    public var batchSize: Int { memit.batchSize }
    /// `nullspace_threshold` (> 0): eigenvalues of C_l with |λ| below it span the null space the
    /// update is confined to. Absolute, so it depends on the scale of C (EasyEdit: 2e-2 for C from
    /// 100k Wikipedia articles on 7B-scale models).
    public var nullspaceThreshold: Double
    /// `L2` (> 0): α, the ridge term of the solve (EasyEdit: 10 for gpt2-xl, 1 for Qwen/Llama 3).
    /// EasyEdit accepts 0, but its system P A + 0·I is then singular whenever P ≠ I; so is the
    /// projected system whenever the null space has more directions than all edits have keys
    /// (the normal case), and floating point would not reliably report it, so 0 is rejected.
    public var l2: Double
    /// `P_loc` (optional): EasyEdit's path of a saved projector, shared by every model. Read for
    /// compatibility and never opened: projectors are computed from the layer statistics and cached
    /// in the ``EditState`` under the model fingerprint, module and statistics, so a projector made
    /// for another model is never reused.
    public var projectorPath: String?

    public static var keys: [String] { MEMITHyperparameters.keys + CodingKeys.allCases.map(\.stringValue) }


    enum CodingKeys: String, CodingKey, CaseIterable {
        case nullspaceThreshold = "nullspace_threshold"
        case l2 = "L2"
        case projectorPath = "P_loc"
    }

    public init(from decoder: any Decoder) throws {
        memit = try MEMITHyperparameters(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        nullspaceThreshold = try c.decodeReal(
            forKey: .nullspaceThreshold, expected: "a finite number > 0 (an eigenvalue bound on C = E[k kᵀ])"
        ) { $0 > 0 && $0.isFinite }
        l2 = try c.decodeReal(
            forKey: .l2, expected: "a finite number > 0 (the ridge term; 0 makes the solve singular)"
        ) {
            $0 > 0 && $0.isFinite
        }
        projectorPath = try c.decodeIfPresent(String.self, forKey: .projectorPath)
    }
}
