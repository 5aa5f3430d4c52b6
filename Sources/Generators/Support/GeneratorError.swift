/// Errors of loading and running generators (transformer, VAE, scheduler, LoRA, prompts).
/// Messages name the file, key or tensor and say what was expected and what was found.
public enum GeneratorError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A file the component needs is missing or unreadable.
    case unreadableFile(file: String, reason: String)
    /// A configuration value is missing or invalid.
    case invalidConfiguration(file: String, key: String, reason: String)
    /// The checkpoint lacks a tensor the architecture needs.
    case missingTensor(directory: String, name: String)
    /// The checkpoint holds a tensor the architecture does not use.
    case unexpectedTensor(directory: String, name: String)
    /// A tensor's shape differs from the one the configuration implies.
    case tensorShapeMismatch(name: String, expected: [Int], found: [Int])
    /// A tensor is stored in a type that cannot be computed with (e.g. an integer type).
    case unsupportedTensorType(name: String, dtype: String)
    /// A LoRA file does not fit the model: unknown module, wrong shape, missing half of a pair.
    case invalidLoRA(file: String, key: String, reason: String)
    /// A prompt has more tokens than the generator accepts.
    case promptTooLong(tokens: Int, maximum: Int)
    /// An input (latents, embeddings, size, step count) has the wrong shape or value.
    case invalidInput(name: String, expected: String, found: String)

    public var description: String {
        switch self {
        case let .unreadableFile(file, reason):
            "\(file): cannot be read: \(reason)"
        case let .invalidConfiguration(file, key, reason):
            "\(file): key \"\(key)\": \(reason)"
        case let .missingTensor(directory, name):
            "\(directory): checkpoint has no tensor \"\(name)\", which the architecture needs"
        case let .unexpectedTensor(directory, name):
            "\(directory): checkpoint tensor \"\(name)\" is not part of the architecture"
        case let .tensorShapeMismatch(name, expected, found):
            "tensor \"\(name)\": expected shape \(expected), found \(found)"
        case let .unsupportedTensorType(name, dtype):
            "tensor \"\(name)\": stored as \(dtype), expected F32, BF16 or F16"
        case let .invalidLoRA(file, key, reason):
            "\(file): LoRA tensor \"\(key)\": \(reason)"
        case let .promptTooLong(tokens, maximum):
            "prompt has \(tokens) tokens after the template, more than the maximum of \(maximum)"
        case let .invalidInput(name, expected, found):
            "\(name): expected \(expected), found \(found)"
        }
    }
}
