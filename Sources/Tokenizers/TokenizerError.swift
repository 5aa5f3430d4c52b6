/// Everything that can go wrong when loading a `tokenizer.json`, reading text to encode, decoding ids,
/// or training a tokenizer and writing its files.
///
/// Each message names the file (as given to the loader), the JSON key or merge concerned, and what
/// was expected versus what was found.
public enum TokenizerError: Error, CustomStringConvertible, Equatable {
    /// No file at `file`.
    case fileNotFound(file: String)
    /// The file exists but could not be read.
    case unreadableFile(file: String, reason: String)
    /// The JSON does not parse, or a key holds the wrong kind of value. `key` is the coding path
    /// (`model.merges[3]`), empty for the top level.
    case malformedJSON(file: String, key: String, expected: String)
    /// A component type this tokenizer does not implement (`component` is the JSON key, e.g.
    /// `pre_tokenizer.pretokenizers[0]`; `type` its `"type"` value or the unsupported option).
    case unsupportedComponent(file: String, component: String, type: String)
    /// A component whose settings are invalid (for example a `Split` regex that does not compile).
    case invalidComponent(file: String, component: String, reason: String)
    /// Merge number `index` (0-based, in file order) is not two tokens separated by one space.
    case malformedMerge(file: String, index: Int, merge: String)
    /// Merge number `index` refers to `token`, which is not in `model.vocab`.
    case mergeTokenNotInVocabulary(file: String, index: Int, merge: String, token: String)
    /// A token id is negative or two added tokens disagree (`reason` says which).
    case invalidTokenID(file: String, token: String, id: Int, reason: String)
    /// Line `line` (1-based) of `file` is not valid UTF-8; the first bad byte is at `byteOffset` of
    /// that line.
    case invalidUTF8(file: String, line: Int, byteOffset: Int)
    /// `decode` received an id that names no token.
    case unknownTokenID(Int)
    /// `BPETrainer.train` found no word to learn from in its `texts` (none, all empty, or only
    /// special tokens).
    case emptyCorpus(texts: Int)
    /// The requested vocabulary cannot hold the 256 byte tokens and the special tokens.
    case vocabularyTooSmall(requested: Int, minimum: Int)
    /// A `BPETrainer.Configuration` setting (`key`) is invalid.
    case invalidTrainingConfiguration(key: String, expected: String, found: String)
    /// An output file could not be written (`reason` is the system's).
    case writeFailed(file: String, reason: String)

    public var description: String {
        switch self {
        case .fileNotFound(let file):
            "\(file): no such file"
        case .unreadableFile(let file, let reason):
            "\(file): cannot be read (\(reason))"
        case .malformedJSON(let file, let key, let expected):
            "\(file): malformed JSON at \(key.isEmpty ? "top level" : "'\(key)'"): expected \(expected)"
        case .unsupportedComponent(let file, let component, let type):
            "\(file): '\(component)' of type \(type) is not supported by this byte-level BPE tokenizer"
        case .invalidComponent(let file, let component, let reason):
            "\(file): '\(component)' is invalid: \(reason)"
        case .malformedMerge(let file, let index, let merge):
            "\(file): model.merges[\(index)] \(merge.debugDescription) is not two tokens separated by one space"
        case .mergeTokenNotInVocabulary(let file, let index, let merge, let token):
            "\(file): model.merges[\(index)] \(merge.debugDescription) needs token "
                + "\(token.debugDescription), which is not in model.vocab"
        case .invalidTokenID(let file, let token, let id, let reason):
            "\(file): token \(token.debugDescription) has id \(id): \(reason)"
        case .invalidUTF8(let file, let line, let byteOffset):
            "\(file): line \(line) is not valid UTF-8 (first bad byte at offset \(byteOffset) of the line)"
        case .unknownTokenID(let id):
            "token id \(id) is in neither the vocabulary nor the added tokens"
        case .emptyCorpus(let texts):
            "BPE training corpus: expected text with at least one word, found \(texts) texts with none"
        case .vocabularyTooSmall(let requested, let minimum):
            "BPE training: vocabulary size \(requested) is below \(minimum) (256 byte tokens + the special tokens)"
        case .invalidTrainingConfiguration(let key, let expected, let found):
            "BPE training configuration '\(key)': expected \(expected), found \(found)"
        case .writeFailed(let file, let reason):
            "\(file): cannot be written (\(reason))"
        }
    }
}
