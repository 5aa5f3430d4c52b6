/// Errors of loading and running text encoders. Messages name the file, key or module and say
/// what was expected and what was found.
public enum TextEncoderError: Error, CustomStringConvertible, Equatable, Sendable {
    /// `config.json` names a `model_type` no architecture handles.
    case unsupportedModelType(file: String, modelType: String, supported: [String])
    /// A file the checkpoint needs is missing or unreadable.
    case unreadableFile(file: String, reason: String)
    /// A configuration value is missing or invalid.
    case invalidConfiguration(file: String, key: String, reason: String)
    /// A tensor's shape differs from the parameter's (an in-memory replacement or a delta; a
    /// checkpoint's tensors are checked by ModelIO's `StrictCheckpoint`).
    case tensorShapeMismatch(name: String, expected: [Int], found: [Int])
    /// A hook or parameter names something the model does not have.
    case unknownModule(name: String, suggestion: String?)
    case unknownParameter(name: String, suggestion: String?)
    /// A hook's rows or delta do not fit the batch or the module.
    case invalidHook(module: String, reason: String)
    /// A token id outside the vocabulary.
    case tokenOutOfRange(id: Int, vocabularySize: Int)
    /// A forward output was read that the pass did not compute (see ``ForwardOutput``).
    case notComputed(output: String, reason: String)
    /// A sequence longer than the model's context (`max_position_embeddings`, `n_positions`).
    case sequenceTooLong(length: Int, maximum: Int)
    /// NaN or infinity in a weight or in what the model computed (`name` says which).
    case nonFinite(name: String)
    /// A text that must produce tokens produced none (an empty prompt or answer).
    case emptyText(role: String)

    public var description: String {
        switch self {
        case let .unsupportedModelType(file, modelType, supported):
            "\(file): model_type \"\(modelType)\" is not supported (supported: \(supported.joined(separator: ", ")))"
        case let .unreadableFile(file, reason):
            "\(file): cannot be read: \(reason)"
        case let .invalidConfiguration(file, key, reason):
            "\(file): key \"\(key)\": \(reason)"
        case let .tensorShapeMismatch(name, expected, found):
            "tensor \"\(name)\": expected shape \(expected), found \(found)"
        case let .unknownModule(name, suggestion):
            "no module named \"\(name)\"" + (suggestion.map { " (did you mean \"\($0)\"?)" } ?? "")
        case let .unknownParameter(name, suggestion):
            "no parameter named \"\(name)\"" + (suggestion.map { " (did you mean \"\($0)\"?)" } ?? "")
        case let .invalidHook(module, reason):
            "hook on \"\(module)\": \(reason)"
        case let .tokenOutOfRange(id, vocabularySize):
            "token id \(id) is outside the vocabulary (size \(vocabularySize))"
        case let .notComputed(output, reason):
            "the forward pass did not compute \(output): \(reason)"
        case let .sequenceTooLong(length, maximum):
            "a sequence of \(length) tokens is longer than the model's context of \(maximum) tokens"
        case let .nonFinite(name):
            "\(name) holds NaN or infinite values"
        case let .emptyText(role):
            "the \(role) is empty (it gives no tokens)"
        }
    }
}
