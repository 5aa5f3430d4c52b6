import KnowledgeEditing

/// Which keys a ROME edit is built from, after r-ROME (Gupta et al., "Rebuilding ROME", 2024;
/// EasyEdit `easyeditor/models/r_rome`, whose `compute_u.py` and `compute_v.py` this follows).
/// With k̄, v̄ the input and output of the rewrite module at the subject's last token averaged
/// over the context templates, k₀, v₀ those of the bare prompt, and v* the optimised value:
///
/// | Case | u from | w = | EasyEdit keys |
/// |---|---|---|---|
/// | ``original`` | k̄ | (v* − v₀) / (k₀ · u) | ROME; r-ROME with `original_implementation: true`, `enable_random_prefix_keys: false` |
/// | ``promptKeys`` | k₀ | (v* − v₀) / (k₀ · u) | `enable_prompt_keys: true`, `enable_random_prefix_keys: false` |
/// | ``randomPrefixKeys`` | k̄ | (v* − v̄) / (k̄ · u) | `enable_random_prefix_keys: true` (r-ROME's default) |
///
/// (u is then normalised, after C⁻¹ when `mom2_adjustment`.) The update W' = W + w uᵀ maps the
/// key it is solved at to v*: r-ROME's point is that ROME builds u from k̄ but solves at k₀, an
/// inconsistency that makes some edits collapse the model.
public enum ROMEKeySource: Sendable, Equatable {
    case original, promptKeys, randomPrefixKeys

    /// The keys of EasyEdit's `R_ROMEHyperParams`; absent ones take its defaults.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case promptKeys = "enable_prompt_keys", randomPrefixKeys = "enable_random_prefix_keys"
        case originalImplementation = "original_implementation"
    }

    /// The file's `alg_name`, read to choose the defaults.
    private enum AlgorithmKey: String, CodingKey { case name = "alg_name" }

    /// Decodes the three flags as EasyEdit's r-ROME reads them. A file with none of them keeps
    /// ROME's behaviour (``original``) unless its `alg_name` is `R-ROME`; otherwise absent flags
    /// take `R_ROMEHyperParams`' defaults (`enable_prompt_keys` false, `enable_random_prefix_keys`
    /// true, `original_implementation` false).
    ///
    /// - Throws: `DecodingError.dataCorrupted` at `enable_prompt_keys` when, without
    ///   `original_implementation`, both or neither kind of key is enabled (EasyEdit asserts the same).
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let algorithm = try decoder.container(keyedBy: AlgorithmKey.self).decodeIfPresent(String.self, forKey: .name)
        guard CodingKeys.allCases.contains(where: c.contains) || algorithm?.uppercased() == "R-ROME" else {
            self = .original
            return
        }
        let prompt = try c.decodeIfPresent(Bool.self, forKey: .promptKeys) ?? false
        let randomPrefix = try c.decodeIfPresent(Bool.self, forKey: .randomPrefixKeys) ?? true
        let original = try c.decodeIfPresent(Bool.self, forKey: .originalImplementation) ?? false
        if randomPrefix {
            guard original || !prompt else {
                throw DecodingError.dataCorruptedError(
                    forKey: .promptKeys, in: c,
                    debugDescription: "false while enable_random_prefix_keys is true (one kind of key, or original_implementation)")
            }
            self = .randomPrefixKeys
        } else if original {
            self = .original
        } else {
            guard prompt else {
                throw DecodingError.dataCorruptedError(
                    forKey: .promptKeys, in: c,
                    debugDescription: "true when enable_random_prefix_keys and original_implementation are false")
            }
            self = .promptKeys
        }
    }
}
