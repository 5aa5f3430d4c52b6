import KnowledgeEditing

/// ROME's hparams, with the keys of EasyEdit's `easyeditor/models/rome/rome_hparams.py`
/// (`alg_name: ROME`).
///
/// ROME writes one fact per edited layer ℓ with a rank-one update of the `rewrite_module_tmp`
/// weight, in key→value orientation:
///
///     u = C⁻¹ k̄ (mom2_adjustment: true) or u = k̄ (false),   w = (v* − W k₀) / (k₀ · u),
///     W' = W + w uᵀ,  so that W' k₀ = v*,
///
/// where k̄ is the key averaged over the context templates (`context_template_length_params`, or
/// our explicit `context_templates`), k₀ the key of the bare prompt and v* the optimised value
/// (see ``LocateThenEditHyperparameters`` for the keys of the v* optimisation, C and the
/// templates, which are all exposed here directly: `hparams.valueLearningRate`).
///
/// Keys and defaults: every key of ``LocateThenEditHyperparameters`` (`max_length` 40,
/// `model_parallel` false, `context_templates` and `seed` optional), plus
/// `context_template_length_params` and `fp16` (default false), and r-ROME's
/// `enable_prompt_keys`, `enable_random_prefix_keys` and `original_implementation`
/// (``ROMEKeySource``; `alg_name: R-ROME` files decode here too). EasyEdit's ROME files ship
/// `mom2_adjustment: false`, so ROME uses no covariance unless asked to.
public struct ROMEHyperparameters: LocateThenEditHyperparameterSet, Equatable {
    /// The keys shared with MEMIT and AlphaEdit.
    public var common: LocateThenEditHyperparameters
    /// `context_template_length_params`: `[[length, count], …]`; for each pair, `count`
    /// continuations of `length` tokens are sampled as context prefixes (EasyEdit: `[[5, 10],
    /// [10, 10]]`, 21 templates with the bare `{}`). Ignored when `context_templates` is given.
    public var contextTemplateLengths: [ContextTemplateLength]
    /// `fp16` (default false): EasyEdit loads the model in float16 when true. Weights here keep
    /// their checkpoint type and are computed in Float32 either way.
    public var usesHalfPrecision: Bool
    /// Which keys u and the update are built from (r-ROME's flags; ROME's own behaviour by default).
    public var keySource: ROMEKeySource

    public static var keys: [String] {
        LocateThenEditHyperparameters.keys + CodingKeys.allCases.map(\.stringValue) + ROMEKeySource.CodingKeys.allCases.map(\.stringValue)
    }


    enum CodingKeys: String, CodingKey, CaseIterable {
        case contextTemplateLengths = "context_template_length_params"
        case usesHalfPrecision = "fp16"
    }

    public init(from decoder: any Decoder) throws {
        common = try LocateThenEditHyperparameters(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        contextTemplateLengths = try c.decodeList(
            [Int].self, forKey: .contextTemplateLengths, expected: "a pair [length ≥ 1, count ≥ 0]"
        ) { $0.count == 2 && $0[0] >= 1 && $0[1] >= 0 }.map { ContextTemplateLength(tokenCount: $0[0], count: $0[1]) }
        usesHalfPrecision = try c.decodeIfPresent(Bool.self, forKey: .usesHalfPrecision) ?? false
        keySource = try ROMEKeySource(from: decoder)
    }
}

/// One entry of `context_template_length_params`: sample `count` context prefixes of
/// `tokenCount` tokens.
public struct ContextTemplateLength: Sendable, Equatable {
    public var tokenCount: Int
    public var count: Int

    public init(tokenCount: Int, count: Int) {
        self.tokenCount = tokenCount
        self.count = count
    }
}
