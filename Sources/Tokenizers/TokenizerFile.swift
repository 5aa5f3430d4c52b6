import Foundation
import ModelIO

/// Reading files for the tokenizer: bytes with typed errors, and JSON decoding whose errors name
/// the file and the key.
enum TokenizerFile {
    /// The contents of `url`.
    ///
    /// - Throws: `TokenizerError.fileNotFound` or `.unreadableFile`.
    static func data(at url: URL) throws -> Data {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw TokenizerError.fileNotFound(file: url.path)
        }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw TokenizerError.unreadableFile(file: url.path, reason: ErrorText.reason(error))
        }
    }

    /// Decodes `data` as `T`, turning `DecodingError` into `TokenizerError.malformedJSON`.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data, file: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            // Text that is not JSON at all: the parser's line and column.
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
                do { _ = try JSONSerialization.jsonObject(with: data) } catch {
                    throw TokenizerError.malformedJSON(file: file, key: "", expected: "valid JSON (\(ErrorText.json(error, in: data)))")
                }
            }
            let (key, expected) = describe(error)
            throw TokenizerError.malformedJSON(file: file, key: key, expected: expected)
        }
    }

    /// The coding path as `model.merges[3]`, and what was expected there.
    static func describe(_ error: DecodingError) -> (key: String, expected: String) {
        func path(_ keys: [any CodingKey]) -> String {
            keys.reduce(into: "") { path, key in
                if let index = key.intValue {
                    path += "[\(index)]"
                } else {
                    path += path.isEmpty ? key.stringValue : "." + key.stringValue
                }
            }
        }
        switch error {
        case .typeMismatch(let type, let context):
            return (path(context.codingPath), "a value of type \(type) (\(context.debugDescription))")
        case .valueNotFound(let type, let context):
            return (path(context.codingPath), "a value of type \(type), found null or nothing")
        case .keyNotFound(let key, let context):
            return (path(context.codingPath + [key]), "key '\(key.stringValue)' to be present")
        case .dataCorrupted(let context):
            return (path(context.codingPath), "a valid value (\(context.debugDescription))")
        @unknown default:
            return ("", "a valid tokenizer.json (\(error))")
        }
    }
}
