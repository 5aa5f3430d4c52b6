import KnowledgeEditing

/// UltraEdit's hparams, with the keys of EasyEdit's `easyeditor/models/ultraedit/ultraedit_hparams.py`
/// (`alg_name: ULTRAEDIT`; `UltraEdit` is EasyEdit's alias and selects the same editor).
///
/// UltraEdit (Gu et al., 2025) is training-free and needs no layer statistics: one forward and
/// backward pass per batch gives, for every edited module, keys K (the module's inputs) and value
/// gradients G = ∂L/∂(module output) at chosen token positions; a lifelong running normaliser turns
/// them into pseudo-values V = −η ‖k̂‖² ĝ, and the module's weight moves by the ridge solution
/// Δ = (KᵀK + I)⁻¹ KᵀV. The keys that drive it are ``innerParameters``, ``learningRate`` (η) and
/// ``token``; ``subBatchSize`` bounds the requests of one forward pass.
///
/// Keys read for compatibility and not used (this port runs on the CPU, in Float32, with no
/// dropout, freezes every parameter but the edited ones by construction, and never pads rows):
/// `model_class` (alias `class_name`; both may be present only when they agree), `tokenizer_class`,
/// `tokenizer_name`, `device`, `dropout`, `no_grad_layers` (required but may be null), `batch_size`
/// (how many requests EasyEdit's driver takes per turn: a caller's concern), `editor_batch_size`
/// (EasyEdit's zero-padded chunking of rows, which does not change the result), `silent`,
/// `results_dir`, `max_length` (default 40; sequences are never truncated), `half` (default
/// false), `model_parallel` (default false).
public struct UltraEditHyperparameters: HyperparameterSet, Equatable {
    /// Which token positions of an edit sample give the rows of K and G (`token`).
    public enum TokenSelection: String, Sendable, CaseIterable {
        /// The positions that predict the target's tokens: the last prompt token through the
        /// second-to-last target token (UltraEdit's own `ans`, labels ≠ −100).
        case answer = "ans"
        /// Every non-padding position of prompt + target (the attention mask; EasyEdit's yamls, whose
        /// labels are target-only so that `ans` would pick the wrong rows there). The last token
        /// predicts nothing, so its gradient is 0, but its key still enters K and the normaliser,
        /// as in EasyEdit.
        case mask
    }

    /// `model_name`: a Hugging Face id or a local checkpoint directory.
    public var modelName: String
    /// `model_class` (or its alias `class_name`): the transformers class EasyEdit loads.
    public var modelClass: String
    /// `tokenizer_class`, `tokenizer_name`: EasyEdit's tokenizer class and path.
    public var tokenizerClass: String, tokenizerName: String
    /// `inner_params`: the edited modules (Hugging Face names; a trailing `.weight` is stripped,
    /// as EasyEdit does). Non-empty, without repetitions.
    public var innerParameters: [String]
    /// `device`: EasyEdit's device (an index or a name such as `cpu`). Read for compatibility.
    public var device: DeviceSetting
    /// `dropout`: unused by UltraEdit (EasyEdit declares it; every yaml has 0.0).
    public var dropout: Double
    /// `no_grad_layers`: unused by UltraEdit; required, may be null.
    public var noGradLayers: [Int]?
    /// `batch_size` (≥ 1): requests per turn in EasyEdit's driver.
    public var batchSize: Int
    /// `lr` (> 0): η, the scale of the pseudo-values v = −η ‖k̂‖² ĝ (EasyEdit: 1e-6 on 7B models).
    public var learningRate: Double
    /// `token`: the positions whose keys and gradients are cached.
    public var token: TokenSelection
    /// `batch_size_once` (≥ 1): requests per forward + backward pass.
    public var subBatchSize: Int
    /// `editor_batch_size` (≥ 1): EasyEdit's row chunk size; chunking does not change the result.
    public var editorBatchSize: Int
    /// `silent`, `results_dir`: EasyEdit's logging switches.
    public var silent: Bool, resultsDirectory: String
    /// `max_length` (default 40), `half` (default false), `model_parallel` (default false).
    public var maxLength: Int, half: Bool, modelParallel: Bool

    public static var keys: [String] { CodingKeys.allCases.map(\.stringValue) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case modelName = "model_name", modelClass = "model_class", className = "class_name"
        case tokenizerClass = "tokenizer_class", tokenizerName = "tokenizer_name"
        case innerParameters = "inner_params", device, dropout, noGradLayers = "no_grad_layers"
        case batchSize = "batch_size", learningRate = "lr", token, subBatchSize = "batch_size_once"
        case editorBatchSize = "editor_batch_size", silent, resultsDirectory = "results_dir"
        case maxLength = "max_length", half, modelParallel = "model_parallel"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let nonEmpty = "a non-empty string"
        modelName = try c.decode(String.self, forKey: .modelName, expected: "a model id or directory") { !$0.isEmpty }
        let modelClass = try c.decodeIfPresent(String.self, forKey: .modelClass)
        let className = try c.decodeIfPresent(String.self, forKey: .className)
        switch (modelClass, className) {
        case let (model?, alias?) where model != alias:
            throw c.invalid(.className, expected: "the class that model_class names ('\(model)'), or no class_name")
        case let (model?, _), let (nil, model?):
            self.modelClass = model
        case (nil, nil):
            self.modelClass = try c.decode(String.self, forKey: .modelClass)   // reports the missing key
        }
        tokenizerClass = try c.decode(String.self, forKey: .tokenizerClass, expected: nonEmpty) { !$0.isEmpty }
        tokenizerName = try c.decode(String.self, forKey: .tokenizerName, expected: nonEmpty) { !$0.isEmpty }
        let modules = try c.decodeList(String.self, forKey: .innerParameters, expected: "a module name") {
            !$0.isEmpty && $0 != ".weight"
        }
        innerParameters = modules.map { $0.hasSuffix(".weight") ? String($0.dropLast(".weight".count)) : $0 }
        guard !modules.isEmpty, Set(innerParameters).count == modules.count else {
            throw c.invalid(.innerParameters, expected: "a non-empty list of distinct module names")
        }
        device = try c.decode(DeviceSetting.self, forKey: .device)
        dropout = try c.decodeReal(forKey: .dropout, expected: "a number in [0, 1]") { (0...1).contains($0) }
        guard c.contains(.noGradLayers) else {
            throw DecodingError.keyNotFound(CodingKeys.noGradLayers, .init(codingPath: c.codingPath,
                                                                          debugDescription: "required, may be null"))
        }
        noGradLayers = try c.decodeIfPresent([Int].self, forKey: .noGradLayers)
        let positive = "an integer ≥ 1"
        batchSize = try c.decode(Int.self, forKey: .batchSize, expected: positive) { $0 >= 1 }
        learningRate = try c.decodeReal(
            forKey: .learningRate, expected: "a finite number > 0 (η, the pseudo-value scale)"
        ) { $0 > 0 && $0.isFinite }
        token = try c.decodeChoice(TokenSelection.self, forKey: .token)
        subBatchSize = try c.decode(Int.self, forKey: .subBatchSize, expected: positive) { $0 >= 1 }
        editorBatchSize = try c.decode(Int.self, forKey: .editorBatchSize, expected: positive) { $0 >= 1 }
        silent = try c.decode(Bool.self, forKey: .silent)
        resultsDirectory = try c.decode(String.self, forKey: .resultsDirectory)
        maxLength = try c.decodeIfPresent(Int.self, forKey: .maxLength, expected: positive) { $0 >= 1 } ?? 40
        half = try c.decodeIfPresent(Bool.self, forKey: .half) ?? false
        modelParallel = try c.decodeIfPresent(Bool.self, forKey: .modelParallel) ?? false
    }
}
