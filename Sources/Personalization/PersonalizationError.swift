/// The typed errors of per-token personalization (TokenVerse, Mod-Adapter): every case is one line naming the
/// file, word or setting and what was expected against what was found.
public enum PersonalizationError: Error, CustomStringConvertible, Equatable {
    /// A concept word is not a whole word of the prompt or caption it should modulate.
    case wordNotInPrompt(word: String, prompt: String)
    /// The tokenizer does not split the prompt at the word's edges, so no token span is the word.
    case wordNotAligned(word: String, prompt: String)
    /// Two concepts (from one file or several) modulate the same word.
    case duplicateWord(word: String, files: [String])
    /// A concept image that is not a readable PNG.
    case unreadableImage(file: String, reason: String)
    /// A concept image whose size is not the generator's.
    case wrongImageSize(file: String, expected: String, found: String)
    /// A Δ file learned on another generator.
    case fingerprintMismatch(file: String, expected: String, found: String)
    /// A Δ file whose header, metadata or tensors are not what `tokenverse learn` writes.
    case malformedModulationFile(file: String, key: String, reason: String)
    /// A Mod-Adapter file trained with another generator or text encoder (`component`).
    case componentMismatch(file: String, component: String, expected: String, found: String)
    /// A setting outside its range.
    case invalidSetting(name: String, expected: String, found: String)

    public var description: String {
        switch self {
        case .wordNotInPrompt(let word, let prompt):
            return "concept word \"\(word)\" is not a word of \"\(prompt)\""
        case .wordNotAligned(let word, let prompt):
            return "concept word \"\(word)\" in \"\(prompt)\": the tokenizer merges it with its neighbours, so no token span is the word"
        case .duplicateWord(let word, let files):
            return "concept word \"\(word)\" is modulated by more than one concept (\(files.joined(separator: ", ")))"
        case .unreadableImage(let file, let reason):
            return "\(file): not a readable PNG image: \(reason)"
        case .wrongImageSize(let file, let expected, let found):
            return "\(file): image size: expected \(expected), found \(found)"
        case .fingerprintMismatch(let file, let expected, let found):
            return "\(file): learned on another generator: expected fingerprint \(expected), found \(found)"
        case .malformedModulationFile(let file, let key, let reason):
            return "\(file): \(key): \(reason)"
        case .componentMismatch(let file, let component, let expected, let found):
            return "\(file): trained with another \(component): expected fingerprint \(expected), found \(found)"
        case .invalidSetting(let name, let expected, let found):
            return "\(name): expected \(expected), found \(found)"
        }
    }
}
