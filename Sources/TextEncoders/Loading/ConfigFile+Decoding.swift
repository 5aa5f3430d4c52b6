import Foundation
import ModelInterfaces
import ModelIO

extension ConfigFile {
    /// Decodes the config as `T`, an architecture's `Codable` document whose properties are
    /// optional (absent and null keys are nil; their defaults and ranges are the architecture's
    /// validation). Keys `T` does not declare are ignored.
    ///
    /// - Throws: ``TextEncoderError/invalidConfiguration(file:key:reason:)`` naming the key (a
    ///   nested one as `rope_scaling.factor`; an element of a list by the list's key) with the
    ///   expected type and the value found.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let data: Data
        do { data = try JSONSerialization.data(withJSONObject: values) } catch {
            throw TextEncoderError.unreadableFile(file: path, reason: ErrorText.reason(error))
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw translate(error)
        }
    }

    private func translate(_ error: DecodingError) -> TextEncoderError {
        switch error {
        case let .typeMismatch(type, context), let .valueNotFound(type, context):
            let key = keyPath(context.codingPath)
            return invalid(key, "expected \(Self.describe(type)), found \(describe(value(at: key)))")
        case let .keyNotFound(missing, context):
            return invalid(keyPath(context.codingPath + [missing]), "expected a value, found nothing")
        case let .dataCorrupted(context):
            let key = keyPath(context.codingPath)
            return invalid(key, Self.oneLine(context.debugDescription))
        @unknown default:
            return invalid("", Self.oneLine("\(error)"))
        }
    }

    /// `rope_scaling.factor`; a path into a list stops at the list (`rope_parameters.mrope_section`).
    private func keyPath(_ path: [any CodingKey]) -> String {
        path.prefix { $0.intValue == nil }.map(\.stringValue).joined(separator: ".")
    }

    private func value(at keyPath: String) -> Any? {
        var current: Any? = values
        for key in keyPath.split(separator: ".") { current = (current as? [String: Any])?[String(key)] }
        return current
    }

    private func describe(_ value: Any?) -> String {
        guard let value, !(value is NSNull) else { return "nothing" }
        let json = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys])
        let text = Self.oneLine(json.map { String(decoding: $0, as: UTF8.self) } ?? "\(value)")
        return text.count <= 60 ? text : String(text.prefix(57)) + "..."
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// A type as a config author thinks of it.
    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is [Any].Type: "a list"
        case is [String: Any].Type: "an object"
        default: "\(type)".hasPrefix("Array") ? "a list" : "an object"
        }
    }
}

/// An integer as `config.json` writes it: `16`, or `16.0` as some exporters write counts; a
/// fraction, a number beyond `Int`, or anything else is an error at its key.
struct ConfigInteger: Codable, Equatable {
    let value: Int

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let number = try? container.decode(Double.self) else {
            throw DecodingError.typeMismatch(Int.self, .init(codingPath: container.codingPath, debugDescription: "not a number"))
        }
        guard number == number.rounded(), let exact = Int(exactly: number) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an integer, found \(number)")
        }
        value = exact
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
