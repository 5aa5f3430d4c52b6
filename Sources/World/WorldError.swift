/// Everything that can go wrong in the `World` module: bad arguments, and world files that are
/// missing, unreadable or corrupted. Each message names the file and the key, what was expected
/// and what was found.
public enum WorldError: Error, CustomStringConvertible, Equatable {
    /// An argument is outside its allowed range.
    case invalidArgument(name: String, expected: String, found: String)
    /// The world cannot be generated with this configuration (for example too few names).
    case invalidConfiguration(key: String, expected: String, found: String)
    /// A world file does not exist or cannot be read.
    case unreadableFile(path: String, reason: String)
    /// A world file is not valid JSON, or a key is missing or has the wrong type or value.
    case corruptFile(path: String, key: String, expected: String, found: String)
    /// Writing an output failed.
    case writeFailed(path: String, reason: String)
    /// An image file cannot be used as it is (for example, it is not the evaluator's size).
    case unusableImage(path: String, expected: String, found: String)

    public var description: String {
        switch self {
        case .invalidArgument(let name, let expected, let found):
            "world: argument \(name): expected \(expected), found \(found)"
        case .invalidConfiguration(let key, let expected, let found):
            "world configuration: \(key): expected \(expected), found \(found)"
        case .unreadableFile(let path, let reason):
            "world file '\(path)' cannot be read: \(reason)"
        case .corruptFile(let path, let key, let expected, let found):
            "world file '\(path)': key '\(key)': expected \(expected), found \(found)"
        case .writeFailed(let path, let reason):
            "world: writing '\(path)' failed: \(reason)"
        case .unusableImage(let path, let expected, let found):
            "image '\(path)': expected \(expected), found \(found)"
        }
    }
}
