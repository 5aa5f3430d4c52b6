/// Readable locations and reasons for `DecodingError`s, shared by the header, index and config
/// readers so their messages name the key that failed.
extension DecodingError {
    /// The failing key's path, such as `layers[2].name` (for a missing key, the key itself is the
    /// last component); empty for the document root.
    var keyPath: String {
        switch self {
        case let .keyNotFound(key, context): Self.render(context.codingPath + [key])
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            Self.render(context.codingPath)
        @unknown default: ""
        }
    }

    /// What was expected, without the location: `expected Int`, `missing key`, or the decoder's
    /// own explanation for corrupted data.
    var expectation: String {
        switch self {
        case .keyNotFound: "missing key"
        case let .typeMismatch(type, _), let .valueNotFound(type, _): "expected \(type)"
        case let .dataCorrupted(context): context.debugDescription
        @unknown default: "\(self)"
        }
    }

    /// `at 'keyPath': expectation` (or just the expectation at the root).
    var summary: String {
        keyPath.isEmpty ? expectation : "at '\(keyPath)': \(expectation)"
    }

    private static func render(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {  // array positions carry an integer value
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }
}
