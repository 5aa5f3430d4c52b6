import Foundation
import ModelIO

/// Edit requests read from a JSON file: a list of records in one of three layouts, detected from
/// the first record's fields or named explicitly, or EasyEdit's column-wise object (the arguments
/// of `BaseEditor.edit()`: `prompts`, `target_new`, …), read as EasyEdit records (see
/// `records(fromColumns:file:)`).
///
/// - ``Layout/easyEdit``: the records EasyEdit's `edit()` builds and KnowEdit ships: `prompt`,
///   `target_new`, optional `subject`, `ground_truth`, `rephrase_prompt` (a string or a list),
///   `locality` and `portability` as `{name: {prompt: str or [str], ground_truth: str or [str]}}`.
/// - ``Layout/zsre``: ZsRE records (`zsre_mend_eval.json`): `src` → prompt, `alt` → target_new,
///   `answers[0]` → ground_truth, `rephrase` → rephrase prompt, (`loc`, `loc_ans`) → locality set
///   `neighborhood`, `subject`.
/// - ``Layout/counterFact``: CounterFact records (`counterfact.json`): `requested_rewrite.prompt`
///   with `{}` replaced by `requested_rewrite.subject` → prompt, `target_new.str` → target_new,
///   `target_true.str` → ground_truth, every `paraphrase_prompts` entry → rephrase prompts
///   (EasyEdit evaluates only the first), `neighborhood_prompts` with `target_true.str` →
///   locality set `neighborhood`.
///
/// Every request is checked before any editing: `prompt` and `target_new` must not be empty, and a
/// subject, when given, must be non-empty and occur in the prompt. Fields a layout does not read
/// are ignored (datasets carry many).
///
/// ```swift
/// let file = try EditRequestFile(contentsOf: URL(filePath: "data/zsre_mend_eval.json"))
/// file.layout            // .zsre
/// file.requests[0]       // EditRequest(prompt: "What university did Watts Humphrey attend?", …)
/// ```
public struct EditRequestFile: Sendable {
    /// A record layout.
    public enum Layout: String, Sendable, CaseIterable, CustomStringConvertible {
        case easyEdit = "easyedit"
        case zsre
        case counterFact = "counterfact"

        public var description: String { rawValue }

        /// The layout whose identifying fields `fields` contains: `requested_rewrite`
        /// (CounterFact), `src` and `alt` (ZsRE), `prompt` and `target_new` (EasyEdit).
        public static func detect(fields: some Collection<String>) -> Layout? {
            let present = Set(fields)
            if present.contains("requested_rewrite") { return .counterFact }
            if present.isSuperset(of: ["src", "alt"]) { return .zsre }
            if present.isSuperset(of: ["prompt", "target_new"]) { return .easyEdit }
            return nil
        }
    }

    /// The path as given, used in error messages.
    public let path: String
    /// The layout the records were read in.
    public let layout: Layout
    /// The requests, in file order.
    public let requests: [EditRequest]

    /// Reads and validates the requests in the file at `url`.
    ///
    /// - Parameter layout: the records' layout; `nil` detects it from the first record.
    /// - Throws: ``RequestError`` naming the file, the record and the field.
    public init(contentsOf url: URL, layout: Layout? = nil) throws {
        let path = url.path(percentEncoded: false)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw RequestError.unreadableFile(file: path, reason: ErrorText.reason(error))
        }
        try self.init(data: data, path: path, layout: layout)
    }

    /// Reads and validates the requests in `data`.
    ///
    /// - Parameters:
    ///   - path: the name used in error messages.
    ///   - layout: the records' layout; `nil` detects it from the first record.
    /// - Throws: ``RequestError`` naming the file, the record and the field.
    /// - Complexity: O(size of `data`).
    public init(data: Data, path: String, layout: Layout? = nil) throws {
        let document: Any
        do {
            document = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw RequestError.malformedJSON(file: path, reason: ErrorText.json(error, in: data))
        }
        let list: [Any]
        if let records = document as? [Any] {
            list = records
        } else if let columns = document as? [String: Any], columns["prompts"] != nil {
            list = try Self.records(fromColumns: columns, file: path)
        } else {
            throw RequestError.notAList(file: path, found: RequestRecord.describe(document))
        }
        guard let first = list.first else { throw RequestError.noRecords(file: path) }
        let firstRecord = try RequestRecord(file: path, index: 0, value: first)
        guard let layout = layout ?? Layout.detect(fields: firstRecord.fields.keys) else {
            throw RequestError.unknownLayout(file: path, record: 0, fields: firstRecord.fields.keys.sorted())
        }
        self.path = path
        self.layout = layout
        requests = try list.enumerated().map { index, value in
            let record = try RequestRecord(file: path, index: index, value: value)
            return try layout.request(from: record)
        }
    }
}
