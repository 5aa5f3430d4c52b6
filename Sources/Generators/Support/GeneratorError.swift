/// Errors of loading and running generators (transformer, VAE, scheduler, LoRA, prompts).
/// Messages name the file, key or tensor and say what was expected and what was found.
public enum GeneratorError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A file the component needs is missing or unreadable.
    case unreadableFile(file: String, reason: String)
    /// A configuration value is missing or invalid.
    case invalidConfiguration(file: String, key: String, reason: String)
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
        case let .invalidLoRA(file, key, reason):
            "\(file): LoRA tensor \"\(key)\": \(reason)"
        case let .promptTooLong(tokens, maximum):
            "prompt has \(tokens) tokens after the template, more than the maximum of \(maximum)"
        case let .invalidInput(name, expected, found):
            "\(name): expected \(expected), found \(found)"
        }
    }
}
