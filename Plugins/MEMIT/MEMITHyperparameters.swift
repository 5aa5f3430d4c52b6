import KnowledgeEditing

/// MEMIT's hparams, with the keys of EasyEdit's `easyeditor/models/memit/memit_hparams.py`
/// (`alg_name: MEMIT`).
///
/// MEMIT writes a batch of n facts at once. It finds z_i = v*_i at the last edited layer L (the
/// output of block `layer_module_tmp` at L), then spreads the change over `layers` R: at the i-th
/// layer l, with keys K_l (d_ff × n) and the residual R_l = (Z − Z_current) / (|R| − i),
///
///     Δ_l = R_l K_lᵀ (λ C_l + K_l K_lᵀ)⁻¹,   λ = mom2_update_weight,
///
/// the least-squares solution of min ‖Δ K − R‖² + λ tr(Δ C Δᵀ), C_l = E[k kᵀ] at layer l. The
/// keys of the z optimisation, C and the templates are those of ``LocateThenEditHyperparameters``,
/// exposed here directly (`hparams.valueLearningRate`).
///
/// Keys and defaults: every key of ``LocateThenEditHyperparameters`` (`max_length` 40,
/// `model_parallel` false, `context_templates` and `seed` optional), plus `layer_selection`,
/// `mom2_update_weight` and `batch_size` (default 1). Unlike ROME there is no `fp16` key and no
/// `context_template_length_params` (MEMIT's sampled templates are fixed: 5 of 10 tokens), so a
/// MEMIT file that contains either is rejected, as EasyEdit's dataclass rejects it.
public struct MEMITHyperparameters: LocateThenEditHyperparameterSet, Equatable {
    /// The keys shared with ROME and AlphaEdit.
    public var common: LocateThenEditHyperparameters
    /// `layer_selection`: declared by EasyEdit (`all` in every file) and not used by its solve.
    public var layerSelection: LayerSelection
    /// `mom2_update_weight`: λ, the weight of the covariance term (EasyEdit: 15000 for 7B models,
    /// 20000 for gpt2-xl).
    public var covarianceUpdateWeight: Double
    /// `batch_size` (default 1): the number of requests edited in one call.
    public var batchSize: Int

    public static var keys: [String] { LocateThenEditHyperparameters.keys + CodingKeys.allCases.map(\.stringValue) }


    enum CodingKeys: String, CodingKey, CaseIterable {
        case layerSelection = "layer_selection"
        case covarianceUpdateWeight = "mom2_update_weight"
        case batchSize = "batch_size"
    }

    public init(from decoder: any Decoder) throws {
        common = try LocateThenEditHyperparameters(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        layerSelection = try c.decodeChoice(LayerSelection.self, forKey: .layerSelection)
        covarianceUpdateWeight = try c.decodeReal(forKey: .covarianceUpdateWeight, expected: "a finite number ≥ 0") {
            $0 >= 0 && $0.isFinite
        }
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize, expected: "an integer ≥ 1") { $0 >= 1 } ?? 1
    }
}

/// `layer_selection`: EasyEdit's `Literal["all", "random"]`.
public enum LayerSelection: String, Sendable, CaseIterable {
    case all, random
}
