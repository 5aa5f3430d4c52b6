import Foundation

/// EasyEdit's column-wise request layout: the keyword arguments of `BaseEditor.edit()` saved as one
/// JSON object, every field a list with one entry per request (a single string stands for a
/// one-request list, as there):
///
///     {"prompts": [...], "target_new": [...], "ground_truth": [...], "subject": [...],
///      "rephrase_prompts": [...],
///      "locality_inputs": {"neighborhood": {"prompt": [...], "ground_truth": [...]}},
///      "portability_inputs": {"reasoning": {"prompt": [...], "ground_truth": [...]}}}
///
/// The columns are turned into the records EasyEdit's `_prepare_requests` builds (`prompt`,
/// `target_new`, `ground_truth`, `subject`, `rephrase_prompt`, `locality`, `portability`), which
/// are then read as ``EditRequestFile/Layout/easyEdit`` records, so every record check applies and
/// errors name the request's index and the record field. A `null` entry in a locality or
/// portability column skips that set for that request, as in EasyEdit. Other keys (`edit()`'s
/// flags such as `sequential_edit`) are ignored.
extension EditRequestFile {
    /// The records that the columns of `object` describe, one per prompt.
    ///
    /// - Throws: ``RequestError`` when a column is missing, of the wrong type, or of another length
    ///   than `prompts`.
    static func records(fromColumns object: [String: Any], file: String) throws -> [Any] {
        let prompts = try column(object, "prompts", file: file, length: nil)
        guard !prompts.isEmpty else { throw RequestError.noRecords(file: file) }
        let count = prompts.count
        guard object["target_new"] != nil else {
            throw RequestError.missingColumn(file: file, column: "target_new")
        }
        var records: [[String: Any]] = prompts.map { ["prompt": $0] }
        for (column, field) in [("target_new", "target_new"), ("ground_truth", "ground_truth"), ("subject", "subject"),
                                ("rephrase_prompts", "rephrase_prompt")] where object[column] != nil {
            for (index, value) in try Self.column(object, column, file: file, length: count).enumerated() {
                records[index][field] = value
            }
        }
        for (column, field) in [("locality_inputs", "locality"), ("portability_inputs", "portability")] {
            guard let sets = object[column], !(sets is NSNull) else { continue }
            guard let named = sets as? [String: Any] else {
                throw RequestError.wrongColumn(file: file, column: column, expected: "an object of named sets",
                                               found: RequestRecord.describe(sets))
            }
            for (name, value) in named.sorted(by: { $0.key < $1.key }) {
                let path = "\(column).\(name)"
                guard let set = value as? [String: Any] else {
                    throw RequestError.wrongColumn(file: file, column: path, expected: "an object with prompt and ground_truth",
                                                   found: RequestRecord.describe(value))
                }
                let prompts = try Self.column(set, "prompt", file: file, length: count, path: path + ".prompt")
                let answers = try Self.column(set, "ground_truth", file: file, length: count, path: path + ".ground_truth")
                for index in 0..<count where !(prompts[index] is NSNull) {
                    var entries = records[index][field] as? [String: Any] ?? [:]
                    entries[name] = ["prompt": prompts[index], "ground_truth": answers[index]]
                    records[index][field] = entries
                }
            }
        }
        return records
    }

    /// Column `key` of `object` as a list (a lone string or object becomes a one-entry list).
    ///
    /// - Parameter length: the required number of entries; `nil` accepts any.
    private static func column(
        _ object: [String: Any], _ key: String, file: String, length: Int?, path: String? = nil
    ) throws -> [Any] {
        let path = path ?? key
        guard let value = object[key], !(value is NSNull) else {
            throw RequestError.missingColumn(file: file, column: path)
        }
        let list = value as? [Any] ?? [value]
        if value is [String: Any] || value is NSNumber {
            throw RequestError.wrongColumn(file: file, column: path, expected: "a string or a list",
                                           found: RequestRecord.describe(value))
        }
        if let length, list.count != length {
            throw RequestError.wrongColumn(file: file, column: path, expected: "\(length) entries (one per prompt)",
                                           found: "\(list.count)")
        }
        return list
    }
}
