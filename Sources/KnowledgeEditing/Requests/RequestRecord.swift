import Foundation

/// Typed access to one record of a request file (a `JSONSerialization` object), with errors that
/// name the file, the record and the field's full path.
///
/// Records may carry fields no layout reads (ZsRE's `pred`, CounterFact's `attribute_prompts`):
/// they are ignored, as datasets ship them.
struct RequestRecord {
    let file: String
    let index: Int
    /// The path of this object inside the record (`""` at the top, `"requested_rewrite."` below).
    let prefix: String
    let fields: [String: Any]

    init(file: String, index: Int, value: Any) throws {
        guard let fields = value as? [String: Any] else {
            throw RequestError.recordNotAnObject(file: file, record: index, found: Self.describe(value))
        }
        self.init(file: file, index: index, prefix: "", fields: fields)
    }

    private init(file: String, index: Int, prefix: String, fields: [String: Any]) {
        self.file = file
        self.index = index
        self.prefix = prefix
        self.fields = fields
    }

    /// The field's full path, for messages.
    func path(_ field: String) -> String { prefix + field }

    /// The field's value; `nil` when absent or null.
    func value(_ field: String) -> Any? {
        guard let value = fields[field], !(value is NSNull) else { return nil }
        return value
    }

    /// A required string.
    func string(_ field: String) throws -> String {
        guard let text = try optionalString(field) else { throw missing(field) }
        return text
    }

    /// A string, or `nil` when absent or null.
    func optionalString(_ field: String) throws -> String? {
        guard let value = value(field) else { return nil }
        guard let text = value as? String else { throw wrongType(field, expected: "a string", found: value) }
        return text
    }

    /// A string or a list of strings, as a list (`[]` when absent or null).
    func strings(_ field: String) throws -> [String] {
        guard let value = value(field) else { return [] }
        if let text = value as? String { return [text] }
        guard let list = value as? [Any] else {
            throw wrongType(field, expected: "a string or a list of strings", found: value)
        }
        return try list.enumerated().map { position, element in
            guard let text = element as? String else {
                throw wrongType("\(field)[\(position)]", expected: "a string", found: element)
            }
            return text
        }
    }

    /// A required nested object.
    func object(_ field: String) throws -> RequestRecord {
        guard let value = value(field) else { throw missing(field) }
        return try objectValue(value, at: field)
    }

    /// The nested objects of an optional object-valued field, by key (`[:]` when absent or null;
    /// null entries are skipped, as EasyEdit skips them).
    func objects(_ field: String) throws -> [String: RequestRecord] {
        guard let value = value(field) else { return [:] }
        guard let entries = value as? [String: Any] else {
            throw wrongType(field, expected: "an object of named sets", found: value)
        }
        var result: [String: RequestRecord] = [:]
        for (key, entry) in entries where !(entry is NSNull) {
            result[key] = try objectValue(entry, at: "\(field).\(key)")
        }
        return result
    }

    func missing(_ field: String) -> RequestError {
        .missingField(file: file, record: index, field: path(field))
    }

    func invalid(_ field: String, expected: String, found: String) -> RequestError {
        .invalidField(file: file, record: index, field: path(field), expected: expected, found: found)
    }

    private func wrongType(_ field: String, expected: String, found: Any) -> RequestError {
        .wrongType(file: file, record: index, field: path(field), expected: expected, found: Self.describe(found))
    }

    private func objectValue(_ value: Any, at field: String) throws -> RequestRecord {
        guard let fields = value as? [String: Any] else { throw wrongType(field, expected: "an object", found: value) }
        return RequestRecord(file: file, index: index, prefix: path(field) + ".", fields: fields)
    }

    /// A JSON value as a message shows it: a quoted string (at most 40 characters), a number, or
    /// its kind.
    static func describe(_ value: Any) -> String {
        switch value {
        case let text as String:
            "\"" + (text.count <= 40 ? text : text.prefix(37) + "...") + "\""
        case let number as NSNumber:
            // JSONSerialization returns booleans as NSNumbers of Objective-C type `c`.
            String(cString: number.objCType) == "c" ? "\(number.boolValue)" : "\(number)"
        case is [Any]: "a list"
        case is [String: Any]: "an object"
        default: "null"
        }
    }
}
