/// Everything that can be wrong with a request file. Messages name the file, the record (its
/// 0-based position in the file's list) and the field, as a dotted path such as
/// `requested_rewrite.target_new.str` or `locality.neighborhood.prompt[2]`.
public enum RequestError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be read (`reason` is the system's message).
    case unreadableFile(file: String, reason: String)
    /// The file is not valid JSON.
    case malformedJSON(file: String, reason: String)
    /// The top level is not a list of records.
    case notAList(file: String, found: String)
    /// The list is empty.
    case noRecords(file: String)
    /// A record is not a JSON object.
    case recordNotAnObject(file: String, record: Int, found: String)
    /// The first record's fields match none of the layouts.
    case unknownLayout(file: String, record: Int, fields: [String])
    /// A required field is absent or null.
    case missingField(file: String, record: Int, field: String)
    /// A field holds the wrong kind of value.
    case wrongType(file: String, record: Int, field: String, expected: String, found: String)
    /// A text field that must say something is empty (or only whitespace).
    case emptyField(file: String, record: Int, field: String)
    /// The subject does not occur in the prompt (locate-then-edit editors read keys at the subject).
    case subjectNotInPrompt(file: String, record: Int, subject: String, prompt: String)
    /// A field of the right type with a value that cannot be used.
    case invalidField(file: String, record: Int, field: String, expected: String, found: String)
    /// A text with its answer is longer than the model's context (`tokens` is a lower bound when
    /// the text was refused by its size without tokenizing).
    case tooLong(file: String, record: Int, field: String, tokens: Int, maximum: Int)
    /// A column-wise file (EasyEdit's `edit()` arguments) lacks a required column.
    case missingColumn(file: String, column: String)
    /// A column of a column-wise file has the wrong type or length.
    case wrongColumn(file: String, column: String, expected: String, found: String)

    public var description: String {
        switch self {
        case let .unreadableFile(file, reason):
            "\(file): cannot read request file: \(reason)"
        case let .malformedJSON(file, reason):
            "\(file): invalid JSON: \(reason)"
        case let .notAList(file, found):
            "\(file): expected a JSON list of request records or EasyEdit's column-wise object "
                + "(prompts, target_new, …), found \(found)"
        case let .noRecords(file):
            "\(file): the list of request records is empty"
        case let .recordNotAnObject(file, record, found):
            "\(file): record \(record): expected a JSON object, found \(found)"
        case let .unknownLayout(file, record, fields):
            "\(file): record \(record) has fields [\(fields.joined(separator: ", "))], which match no layout; "
                + "expected EasyEdit (prompt, target_new), ZsRE (src, alt, answers) or CounterFact "
                + "(requested_rewrite)"
        case let .missingField(file, record, field):
            "\(file): record \(record): missing field '\(field)'"
        case let .wrongType(file, record, field, expected, found):
            "\(file): record \(record): field '\(field)' expected \(expected), found \(found)"
        case let .emptyField(file, record, field):
            "\(file): record \(record): field '\(field)' is empty"
        case let .subjectNotInPrompt(file, record, subject, prompt):
            "\(file): record \(record): subject \"\(subject)\" does not occur in prompt \"\(prompt)\""
        case let .invalidField(file, record, field, expected, found):
            "\(file): record \(record): field '\(field)' has the invalid value \(found); expected \(expected)"
        case let .tooLong(file, record, field, tokens, maximum):
            "\(file): record \(record): \(field) with its answer is at least \(tokens) tokens, longer than the model's "
                + "context of \(maximum)"
        case let .missingColumn(file, column):
            "\(file): missing column '\(column)' (EasyEdit's column-wise layout)"
        case let .wrongColumn(file, column, expected, found):
            "\(file): column '\(column)' expected \(expected), found \(found)"
        }
    }
}
