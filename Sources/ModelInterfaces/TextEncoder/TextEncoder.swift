import Tensors

/// A causal transformer language model as knowledge editors see it: tokens in, hidden states and
/// logits out, parameters addressed by their Hugging Face names, and hooks at Hugging Face module
/// names.
///
/// Editors use only this protocol. Concrete architectures (Qwen2, Qwen2.5-VL's text tower,
/// Llama, GPT-2) live in the `TextEncoders` module.
///
/// ```swift
/// let encoder: any TextEncoder = try TextEncoderLoader.load(directory: url)
/// let batch = TokenBatch([try encoder.tokenize("The Eiffel Tower is in")], padding: .right)
/// var hooks = ForwardHooks()
/// let keys = hooks.capture("model.layers.5.mlp.down_proj", .input, at: [batch.lastTokenRow(0)])
/// let out = try encoder.forward(batch, hooks: hooks)
/// let key = try out[keys]   // [1, 4864]
/// ```
///
/// ### Differentiating through the encoder
/// Forward passes are ordinary tensor computations: whatever tracked tensor enters them (a
/// delta in ``ForwardHooks/addDelta(_:at:_:)``, a parameter set to a tape variable) makes the
/// outputs tracked, and ``Tape/gradients(of:withRespectTo:seed:retainGraph:)`` differentiates.
/// To get ∂loss/∂(module output) at some positions, inject a zero delta there and ask for the
/// delta's gradient.
public protocol TextEncoder: AnyObject {
    /// Architecture facts: model type, widths, layer count, vocabulary, module names.
    var info: TextEncoderInfo { get }

    /// A hex digest identifying the model's *base* weights and configuration: two encoders with
    /// the same fingerprint compute the same function, so anything derived from the model
    /// (layer statistics, cached keys) may be reused between them. It is fixed when the model is
    /// loaded and does not follow in-memory parameter replacements (``setParameter(_:_:)``),
    /// nor the tokenizer. For checkpoints it is derived from the files' headers and sampled
    /// weights plus `config.json` (see `SafetensorsCheckpoint.fingerprint` in ModelIO).
    var fingerprint: String { get }

    /// Token ids of `text` (no special tokens are added).
    func tokenize(_ text: String) throws -> [Int]

    /// The text of `ids` (special tokens included as their text).
    /// - Throws: when an id names no token.
    func detokenize(_ ids: [Int]) throws -> String

    /// Runs the model over a padded batch.
    /// - Throws: when a hook names a module the model does not have, or a delta or position does
    ///   not fit.
    func forward(_ batch: TokenBatch, hooks: ForwardHooks) throws -> ForwardOutput

    /// Names, shapes and storage types of every parameter, in checkpoint order.
    var parameters: [ParameterInfo] { get }

    /// The current value (base weights with any replacement) of a parameter, in Float32.
    func parameter(_ name: String) throws -> Tensor

    /// Replaces a parameter's value (for the following forward passes) without touching the
    /// checkpoint on disk; `nil` restores the base weights.
    func setParameter(_ name: String, _ value: Tensor?) throws

    /// Whether a parameter currently has a replacement value.
    func hasReplacement(_ name: String) -> Bool
}

extension TextEncoder {
    /// Adds `delta` to a parameter's current value.
    public func addToParameter(_ name: String, _ delta: Tensor) throws {
        try setParameter(name, try parameter(name) + delta)
    }

    /// The shape of parameter `name`, read from ``parameters`` without converting its values (a
    /// name not listed there goes through ``parameter(_:)``, which throws the encoder's own error).
    public func parameterShape(_ name: String) throws -> [Int] {
        if let info = parameters.first(where: { $0.name == name }) { return info.shape }
        return try parameter(name).shape
    }

    /// Runs the model without hooks.
    public func forward(_ batch: TokenBatch) throws -> ForwardOutput {
        try forward(batch, hooks: ForwardHooks())
    }
}

/// What a ``TextEncoder`` is.
public struct TextEncoderInfo: Sendable, Equatable {
    /// The checkpoint's `model_type` (`qwen2`, `qwen2_5_vl`, `llama`, `gpt2`).
    public var modelType: String
    public var hiddenSize: Int
    public var layerCount: Int
    public var vocabularySize: Int
    /// Hookable modules, as the checkpoint spells them (e.g. `model.layers.3.mlp.down_proj`).
    public var moduleNames: [String]
    /// Printable name of layer `i`'s block (`model.layers.{}` or `transformer.h.{}`).
    public var layerModuleTemplate: String
    /// The longest sequence a forward pass accepts (`max_position_embeddings`, GPT-2's
    /// `n_positions`); `nil` when the model sets none.
    public var maximumSequenceLength: Int?

    public init(modelType: String, hiddenSize: Int, layerCount: Int, vocabularySize: Int,
                moduleNames: [String], layerModuleTemplate: String, maximumSequenceLength: Int? = nil) {
        self.modelType = modelType
        self.hiddenSize = hiddenSize
        self.layerCount = layerCount
        self.vocabularySize = vocabularySize
        self.moduleNames = moduleNames
        self.layerModuleTemplate = layerModuleTemplate
        self.maximumSequenceLength = maximumSequenceLength
    }
}

/// A parameter's Hugging Face name, shape and storage type.
public struct ParameterInfo: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var dtype: DType

    public init(name: String, shape: [Int], dtype: DType) {
        self.name = name
        self.shape = shape
        self.dtype = dtype
    }
}
