import Foundation

/// Decoding with validation for hparams types.
///
/// A rejected value is reported by throwing `DecodingError.dataCorrupted` at the value's own
/// coding path (the key, or the list element) with a description of what is allowed; the strict
/// configuration decoder turns it into ``HyperparameterError/invalidValue(file:key:line:expected:found:)``
/// quoting the value as the file writes it.
extension KeyedDecodingContainer {
    /// A value that must satisfy `isValid`; `expected` describes the valid values.
    package func decode<T: Decodable>(
        _ type: T.Type, forKey key: Key, expected: String, where isValid: (T) -> Bool
    ) throws -> T {
        let value = try decode(type, forKey: key)
        guard isValid(value) else { throw invalid(key, expected: expected) }
        return value
    }

    /// An optional value (absent or null: `nil`) that must satisfy `isValid` when present.
    package func decodeIfPresent<T: Decodable>(
        _ type: T.Type, forKey key: Key, expected: String, where isValid: (T) -> Bool
    ) throws -> T? {
        guard let value = try decodeIfPresent(type, forKey: key) else { return nil }
        guard isValid(value) else { throw invalid(key, expected: expected) }
        return value
    }

    /// A real number that must satisfy `isValid`. A quoted number (`"5e-1"`) is accepted, as
    /// EasyEdit converts every string that parses as a float (see ``HyperparameterFile``).
    package func decodeReal(forKey key: Key, expected: String, where isValid: (Double) -> Bool) throws -> Double {
        let value: Double
        do {
            value = try decode(Double.self, forKey: key)
        } catch let error as DecodingError {
            guard case .typeMismatch = error, let text = try? decode(String.self, forKey: key),
                  let parsed = Double(text.trimmingCharacters(in: .whitespaces))
            else { throw error }
            value = parsed
        }
        guard isValid(value) else { throw invalid(key, expected: expected) }
        return value
    }

    /// One of a fixed set of strings; the error lists them all.
    package func decodeChoice<Choice: RawRepresentable & CaseIterable>(
        _ type: Choice.Type, forKey key: Key
    ) throws -> Choice where Choice.RawValue == String {
        let text = try decode(String.self, forKey: key)
        guard let choice = Choice(rawValue: text) else {
            throw invalid(key, expected: "one of " + Choice.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))
        }
        return choice
    }

    /// A list whose elements must each satisfy `isValid`; the error points at the first element
    /// that does not (`layers[1]`).
    package func decodeList<Element: Decodable>(
        _ type: Element.Type, forKey key: Key, expected: String, where isValid: (Element) -> Bool
    ) throws -> [Element] {
        let list = try decode([Element].self, forKey: key)
        if let index = list.firstIndex(where: { !isValid($0) }) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: codingPath + [key, ListIndex(index)], debugDescription: expected))
        }
        return list
    }

    /// A module-name template: `"{}"` must occur exactly `placeholders` times (once for
    /// per-layer templates, never for fixed names).
    package func decodeTemplate(forKey key: Key, placeholders: Int) throws -> ModuleTemplate {
        let expected = placeholders == 1
            ? "a module name with one '{}' for the layer index (e.g. 'model.layers.{}.mlp')"
            : "a module name without '{}' (e.g. 'model.norm')"
        let pattern = try decode(String.self, forKey: key, expected: expected) {
            !$0.isEmpty && $0.components(separatedBy: ModuleTemplate.placeholder).count == placeholders + 1
        }
        return ModuleTemplate(key: key.stringValue, pattern: pattern)
    }

    /// The error for a value at `key` that is not `expected`.
    package func invalid(_ key: Key, expected: String) -> DecodingError {
        DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: expected)
    }
}

/// A position in a list, as a coding-path component.
private struct ListIndex: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }

    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}
