import ModelIO

/// Everything that can be wrong with an hparams file, or with its module templates against a
/// model. Thrown before any computation; every message names the file (or the hparams key), the
/// key and its line where known, what was expected and what was found.
public enum HyperparameterError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be read (`reason` is the system's message).
    case unreadableFile(file: String, reason: String)
    /// The file does not parse, or its top level is not a mapping.
    case malformedFile(file: String, reason: String)
    /// A key the algorithm does not read; `suggestion` is the nearest valid key, when one is close.
    case unknownKey(file: String, key: String, line: Int?, validKeys: [String], suggestion: String?)
    /// A required key is absent (`key` may be a path such as `locality.prompt`).
    case missingKey(file: String, key: String)
    /// A value of the wrong type (a string where a list of integers is expected, …).
    case wrongType(file: String, key: String, line: Int?, expected: String, found: String)
    /// A value of the right type outside its allowed range or set of choices.
    case invalidValue(file: String, key: String, line: Int?, expected: String, found: String)
    /// `alg_name` names no registered editor.
    case unknownAlgorithm(file: String, name: String, line: Int?, registered: [String], suggestion: String?)
    /// A layer index (from `layers` or `v_loss_layer`) outside the model's `0..<layerCount`.
    case layerOutOfRange(key: String, template: String, layer: Int, layerCount: Int)
    /// A module template, filled in with `layer` (nil for fixed names such as `ln_f_module`),
    /// names no module of the model; `nearest` are the closest module names the model has.
    case moduleNotFound(key: String, template: String, layer: Int?, module: String, nearest: [String])
    /// The editor needs layer statistics (C = E[k kᵀ]) for a module, but its context supplies none.
    case statisticsUnavailable(module: String)

    public var description: String {
        switch self {
        case let .unreadableFile(file, reason):
            "\(file): cannot read hparams file: \(reason)"
        case let .malformedFile(file, reason):
            "\(file): malformed hparams file: \(reason)"
        case let .unknownKey(file, key, line, validKeys, suggestion):
            "\(Self.location(file, line)): unknown key '\(key)'"
                + (suggestion.map { "; did you mean '\($0)'?" } ?? ".")
                + " Valid keys: \(validKeys.joined(separator: ", "))"
        case let .missingKey(file, key):
            "\(file): missing required key '\(key)'"
        case let .wrongType(file, key, line, expected, found):
            "\(Self.location(file, line)): key '\(key)' expects \(expected), found \(found)"
        case let .invalidValue(file, key, line, expected, found):
            "\(Self.location(file, line)): key '\(key)' has the invalid value \(found); expected \(expected)"
        case let .unknownAlgorithm(file, name, line, registered, suggestion):
            "\(Self.location(file, line)): alg_name '\(name)' is not a registered editor"
                + (suggestion.map { "; did you mean '\($0)'?" } ?? ".")
                + " Registered: \(registered.isEmpty ? "none" : registered.joined(separator: ", "))"
        case let .layerOutOfRange(key, template, layer, layerCount):
            "\(key) '\(template)': layer \(layer) is out of range; the model has \(layerCount) layers "
                + "(0...\(layerCount - 1))"
        case let .statisticsUnavailable(module):
            "layer statistics (mom2) for \(module) are needed, but the editing context supplies none"
        case let .moduleNotFound(key, template, layer, module, nearest):
            "\(key) '\(template)'\(layer.map { " at layer \($0)" } ?? ""): the model has no module '\(module)'"
                + (nearest.isEmpty ? "" : "; nearest modules: \(nearest.joined(separator: ", "))")
        }
    }

    private static func location(_ file: String, _ line: Int?) -> String {
        line.map { "\(file):\($0)" } ?? file
    }
}

extension HyperparameterError {
    /// The configuration reader's error in hparams terms (`file` names the file for cases that
    /// cannot come from reading a configuration, which are passed on as malformed).
    init(_ error: ModelIOError, file: String) {
        switch error {
        case let .fileNotReadable(file, reason):
            self = .unreadableFile(file: file, reason: reason)
        case let .unknownConfigKey(file, key, line, validKeys, suggestion):
            self = .unknownKey(file: file, key: key, line: line, validKeys: validKeys, suggestion: suggestion)
        case let .missingConfigKey(file, keyPath):
            self = .missingKey(file: file, key: keyPath)
        case let .configTypeMismatch(file, keyPath, line, expected, found):
            self = .wrongType(file: file, key: keyPath, line: line, expected: expected, found: found)
        case let .invalidConfigValue(file, keyPath, line, expected, found):
            self = .invalidValue(file: file, key: keyPath, line: line, expected: expected, found: found)
        case let .malformedConfig(file, reason):
            self = .malformedFile(file: file, reason: reason)
        default:
            self = .malformedFile(file: file, reason: error.description)
        }
    }
}
