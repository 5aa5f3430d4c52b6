import Foundation
import ModelInterfaces

/// The hparams that ROME, MEMIT and AlphaEdit share (EasyEdit `rome_hparams.py`,
/// `memit_hparams.py`, `AlphaEdit_hparams.py`): where to edit, how to optimise the target value,
/// which layer statistics to use, and the module templates.
///
/// Notation: ℓ ∈ `layers` is an edited layer, W its `rewrite_module_tmp` weight, k ∈ R^{d_ff} the
/// input of W at the subject's token (the key), v = W k ∈ R^{d_model} its output (the value).
/// The editors optimise a vector δ so that the model, with v* = v + δ in place of v, predicts
/// `target_new`; the loss of that optimisation is
///
///     L(δ) = −(1/T) Σ_t log p(y_t | prompt; v + δ)                     (mean over context templates)
///            + kl_factor · KL(p_δ ‖ p_0) on "{subject} is a"
///            + v_weight_decay · ‖δ‖ / ‖v‖²,      subject to ‖δ‖ ≤ clamp_norm_factor · ‖v‖,
///
/// minimised with Adam for `v_num_grad_steps` steps of size `v_lr`, the logits read after block
/// `v_loss_layer`. C = E[k kᵀ] is the key covariance from layer statistics (`mom2_*`).
///
/// The method-specific types (``ROMEHyperparameters``, ``MEMITHyperparameters``) hold one of these
/// and expose its properties directly (`hparams.layers`).
public struct LocateThenEditHyperparameters: Sendable, Equatable {
    // MARK: Model

    /// `model_name`: a Hugging Face id or a local checkpoint directory (relative paths are relative
    /// to the working directory, as in EasyEdit).
    public var modelName: String
    /// `device`: EasyEdit's device (an index or a name such as `cpu`). Read for compatibility;
    /// computation runs on the CPU.
    public var device: DeviceSetting
    /// `model_parallel` (default false): EasyEdit's multi-GPU switch. Read for compatibility.
    public var modelParallel: Bool
    /// `max_length` (default 40): the token budget of generated context templates and evaluation
    /// prompts.
    public var maxLength: Int

    // MARK: Where to edit

    /// `layers`: the edited layers ℓ (ROME edits each independently; MEMIT spreads one update over
    /// all of them, the last being the layer where z = v* is found).
    public var layers: [Int]
    /// `fact_token`: the token whose key k and value v are edited (normally the subject's last).
    public var factToken: FactTokenStrategy

    // MARK: Target value optimisation (v*)

    /// `v_num_grad_steps`: the number of Adam iterations for δ (the last computes the loss only).
    public var valueStepCount: Int
    /// `v_lr`: Adam's learning rate for δ.
    public var valueLearningRate: Double
    /// `v_loss_layer`: the block whose output gives the logits of the target loss (the last block).
    public var valueLossLayer: Int
    /// `v_weight_decay`: the weight of ‖δ‖ / ‖v‖² in the loss.
    public var valueWeightDecay: Double
    /// `clamp_norm_factor`: δ is projected onto ‖δ‖ ≤ clamp_norm_factor · ‖v‖ after each step.
    public var clampNormFactor: Double
    /// `kl_factor`: the weight of KL(p_δ ‖ p_0) on the "{subject} is a" prompt, which keeps the
    /// subject's essence.
    public var klFactor: Double

    // MARK: Layer statistics (C = E[k kᵀ])

    /// `mom2_adjustment`: ROME uses u = C⁻¹ k̄ instead of u = k̄ when true; MEMIT and AlphaEdit read
    /// it but always use C.
    public var usesCovariance: Bool
    /// `stats_dir`: where the statistics files are cached.
    public var statisticsDirectory: String
    /// `mom2_dataset`: the text corpus the keys k are collected on (EasyEdit: `wikipedia`).
    public var covarianceDataset: String
    /// `mom2_n_samples`: the number of corpus records the statistics are collected on.
    public var covarianceSampleCount: Int
    /// `mom2_dtype`: the precision the statistics are accumulated in.
    public var covarianceDType: CovarianceDType

    // MARK: Module templates (Hugging Face module names; `{}` is the layer)

    /// `rewrite_module_tmp`: the module whose weight W is edited (its input is the key k).
    public var rewriteModule: ModuleTemplate
    /// `layer_module_tmp`: a whole block, whose output is the residual stream (MEMIT's z, and the
    /// block `v_loss_layer` reads).
    public var layerModule: ModuleTemplate
    /// `mlp_module_tmp`: the MLP, whose output ROME shifts by δ.
    public var mlpModule: ModuleTemplate
    /// `attn_module_tmp`: the attention module (read for compatibility; unused by these editors).
    public var attentionModule: ModuleTemplate
    /// `ln_f_module`: the final norm (MEMIT and AlphaEdit compute logits as lm_head(ln_f(h))).
    public var finalNormModule: ModuleTemplate
    /// `lm_head_module`: the unembedding (`lm_head`; GPT-2's tied `transformer.wte`).
    public var lmHeadModule: ModuleTemplate

    // MARK: Reproducibility (ours, not EasyEdit's)

    /// `context_templates` (optional): explicit context templates, each with one `{}` for the
    /// prompt (e.g. `["{}", "The. {}"]`), used instead of sampling them from the model. EasyEdit
    /// samples them once per process, so its results depend on its RNG.
    public var contextTemplates: [String]?
    /// `seed` (optional): the seed of every random choice the editor makes (EasyEdit seeds
    /// everything with 42).
    public var seed: UInt64?

    /// Every key these hparams read.
    public static var keys: [String] { CodingKeys.allCases.map(\.stringValue) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case modelName = "model_name", device, modelParallel = "model_parallel", maxLength = "max_length"
        case layers, factToken = "fact_token"
        case valueStepCount = "v_num_grad_steps", valueLearningRate = "v_lr", valueLossLayer = "v_loss_layer"
        case valueWeightDecay = "v_weight_decay", clampNormFactor = "clamp_norm_factor", klFactor = "kl_factor"
        case usesCovariance = "mom2_adjustment", statisticsDirectory = "stats_dir"
        case covarianceDataset = "mom2_dataset", covarianceSampleCount = "mom2_n_samples"
        case covarianceDType = "mom2_dtype"
        case rewriteModule = "rewrite_module_tmp", layerModule = "layer_module_tmp", mlpModule = "mlp_module_tmp"
        case attentionModule = "attn_module_tmp", finalNormModule = "ln_f_module", lmHeadModule = "lm_head_module"
        case contextTemplates = "context_templates", seed
    }
}

extension LocateThenEditHyperparameters: Decodable {
    /// Decodes and validates the shared keys (types, ranges, choices, template placeholders).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        modelName = try c.decode(String.self, forKey: .modelName, expected: "a model id or directory") { !$0.isEmpty }
        device = try c.decode(DeviceSetting.self, forKey: .device)
        modelParallel = try c.decodeIfPresent(Bool.self, forKey: .modelParallel) ?? false
        maxLength = try c.decodeIfPresent(Int.self, forKey: .maxLength, expected: "an integer ≥ 1") { $0 >= 1 } ?? 40

        layers = try c.decodeList(Int.self, forKey: .layers, expected: "a layer index ≥ 0") { $0 >= 0 }
        guard !layers.isEmpty, Set(layers).count == layers.count else {
            throw c.invalid(.layers, expected: "a non-empty list of distinct layer indices")
        }
        factToken = try c.decodeChoice(FactTokenStrategy.self, forKey: .factToken)

        valueStepCount = try c.decode(Int.self, forKey: .valueStepCount, expected: "an integer ≥ 1") { $0 >= 1 }
        valueLearningRate = try c.decodeReal(forKey: .valueLearningRate, expected: "a finite number > 0") {
            $0 > 0 && $0.isFinite
        }
        valueLossLayer = try c.decode(Int.self, forKey: .valueLossLayer, expected: "a layer index ≥ 0") { $0 >= 0 }
        let nonNegative = "a finite number ≥ 0", positive = "a finite number > 0"
        valueWeightDecay = try c.decodeReal(forKey: .valueWeightDecay, expected: nonNegative) { $0 >= 0 && $0.isFinite }
        clampNormFactor = try c.decodeReal(forKey: .clampNormFactor, expected: positive) { $0 > 0 && $0.isFinite }
        klFactor = try c.decodeReal(forKey: .klFactor, expected: nonNegative) { $0 >= 0 && $0.isFinite }

        usesCovariance = try c.decode(Bool.self, forKey: .usesCovariance)
        statisticsDirectory = try c.decode(String.self, forKey: .statisticsDirectory)
        covarianceDataset = try c.decode(String.self, forKey: .covarianceDataset, expected: "a dataset name") {
            !$0.isEmpty
        }
        covarianceSampleCount = try c.decode(Int.self, forKey: .covarianceSampleCount, expected: "an integer ≥ 1") {
            $0 >= 1
        }
        covarianceDType = try c.decodeChoice(CovarianceDType.self, forKey: .covarianceDType)

        rewriteModule = try c.decodeTemplate(forKey: .rewriteModule, placeholders: 1)
        layerModule = try c.decodeTemplate(forKey: .layerModule, placeholders: 1)
        mlpModule = try c.decodeTemplate(forKey: .mlpModule, placeholders: 1)
        attentionModule = try c.decodeTemplate(forKey: .attentionModule, placeholders: 1)
        finalNormModule = try c.decodeTemplate(forKey: .finalNormModule, placeholders: 0)
        lmHeadModule = try c.decodeTemplate(forKey: .lmHeadModule, placeholders: 0)

        contextTemplates = try c.decodeNilOrAbsent(.contextTemplates) ? nil : try c.decodeList(
            String.self, forKey: .contextTemplates, expected: "a template with exactly one '{}'"
        ) { $0.components(separatedBy: ModuleTemplate.placeholder).count == 2 }
        if contextTemplates?.isEmpty == true {
            throw c.invalid(.contextTemplates, expected: "a non-empty list of templates, or no context_templates key")
        }
        seed = try c.decodeIfPresent(Int.self, forKey: .seed, expected: "an integer ≥ 0") { $0 >= 0 }.map(UInt64.init)
    }
}

extension LocateThenEditHyperparameters {
    /// Checks every module these editors touch against a model, before any computation: the
    /// rewrite, MLP and block templates at each of `layers`, the block at `v_loss_layer`, the final
    /// norm and the LM head. (`attn_module_tmp` is not checked: these editors do not use it.)
    ///
    /// - Throws: ``HyperparameterError/layerOutOfRange(key:template:layer:layerCount:)`` or
    ///   ``HyperparameterError/moduleNotFound(key:template:layer:module:nearest:)``.
    public func checkModules(against info: TextEncoderInfo) throws {
        for template in [rewriteModule, mlpModule, layerModule] {
            _ = try template.resolve(layers: layers, in: info)
        }
        _ = try ModuleTemplate(key: CodingKeys.valueLossLayer.stringValue, pattern: layerModule.pattern)
            .resolve(layer: valueLossLayer, in: info)
        _ = try finalNormModule.resolve(in: info)
        _ = try lmHeadModule.resolve(in: info)
    }
}

/// `fact_token`: which token of the prompt carries the edited key and value.
public enum FactTokenStrategy: String, Sendable, CaseIterable {
    /// The prompt's last token.
    case last
    /// The subject's first token.
    case subjectFirst = "subject_first"
    /// The subject's last token (every EasyEdit hparams file).
    case subjectLast = "subject_last"
    /// The first token after the subject (the subject's last when nothing follows it).
    case subjectFirstAfterLast = "subject_first_after_last"
}

/// `mom2_dtype`: the precision layer statistics are accumulated in.
public enum CovarianceDType: String, Sendable, CaseIterable {
    case float32, float64
}

extension KeyedDecodingContainer {
    /// Whether `key` is absent or null (an optional list then falls back to its default).
    fileprivate func decodeNilOrAbsent(_ key: Key) throws -> Bool {
        try !contains(key) || decodeNil(forKey: key)
    }
}

/// A method's hparams that embed the shared ``LocateThenEditHyperparameters`` (ROME, MEMIT,
/// AlphaEdit); their fields read and write directly (`hparams.layers`, `hparams.valueLearningRate`).
@dynamicMemberLookup
public protocol LocateThenEditHyperparameterSet: HyperparameterSet {
    /// The keys shared by the locate-then-edit methods.
    var common: LocateThenEditHyperparameters { get set }
}

extension LocateThenEditHyperparameterSet {
    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<LocateThenEditHyperparameters, Value>) -> Value {
        get { common[keyPath: keyPath] }
        set { common[keyPath: keyPath] = newValue }
    }
}
