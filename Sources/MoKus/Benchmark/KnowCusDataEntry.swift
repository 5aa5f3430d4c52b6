/// One concept of a KnowCusBench `dataset.json`, as read (``KnowCusDataJSON/concepts(_:)``).
struct KnowCusDataEntry {
    /// The concept's name: its folder under `concept_image/` and `knowledge_data/` unless `folder` says otherwise.
    var name: String
    /// The class noun ("dog"): the anchor is "sks <class>" unless `anchor` is given.
    var className: String?
    var anchor: String?
    /// The image folder, relative to `concept_image/`.
    var folder: String?
    var prompts: [KnowCusPrompt] = []
    /// Statements given in `dataset.json` itself (else `knowledge_data/<name>.json` or `.txt`).
    var knowledge: [KnowCusStatement]?
    /// Keys this reader does not know: path → JSON text.
    var unknown: [String: String] = [:]

    init(name: String) { self.name = name }

    /// Placeholders that stand for the phrase in published prompts, each rewritten to `{}`:
    /// DreamBench's `{0} {1}` (unique token, class), and named ones.
    static let placeholders = ["{0} {1}", "{0}", "{knowledge}", "{concept}", "{subject}", "{}"]

    /// Reads the fields of one entry (a second entry of the same concept adds its prompts).
    mutating func read(_ fields: [String: Any], path: String, json: KnowCusDataJSON) throws {
        func at(_ key: String) -> String { path + "." + key }
        var known = Set(KnowCusDataJSON.nameKeys)
        func take(_ keys: [String]) throws -> String? {
            known.formUnion(keys)
            return try json.string(fields, keys, path: path)
        }
        className = try take(KnowCusDataJSON.classKeys) ?? className
        anchor = try take(KnowCusDataJSON.anchorKeys) ?? anchor
        folder = try take(KnowCusDataJSON.folderKeys) ?? folder
        if let key = KnowCusDataJSON.promptsKeys.first(where: { fields[$0] != nil }) {
            known.insert(key)
            prompts += try Self.prompts(fields[key] as Any, path: at(key), json: json, unknown: &unknown)
        }
        if let key = KnowCusDataJSON.promptKeys.first(where: { fields[$0] != nil }) {
            let kindKey = KnowCusDataJSON.kindKeys.first { fields[$0] != nil }
            known.formUnion([key] + (kindKey.map { [$0] } ?? []))
            prompts.append(try Self.prompt(fields[key] as Any, kind: kindKey.map { fields[$0] as Any }, path: path, key: key,
                                           kindKey: kindKey, json: json))
        }
        if let key = KnowCusDataJSON.knowledgeKeys.first(where: { fields[$0] != nil }) {
            known.insert(key)
            knowledge = (knowledge ?? []) + (try json.statements(fields[key] as Any, path: at(key), unknown: &unknown))
        }
        for key in fields.keys.sorted() where !known.contains(key) {
            unknown[at(key)] = KnowCusDataJSON.text(fields[key] as Any)
        }
    }

    /// Prompts grouped by kind (`{"background": ["{} on the beach"], …}`), or a list of objects with a
    /// prompt and its kind (`[{"prompt": "…", "type": "style change"}]`). A bare list of strings is
    /// refused: the table needs each prompt's kind.
    static func prompts(_ value: Any, path: String, json: KnowCusDataJSON, unknown: inout [String: String]) throws -> [KnowCusPrompt] {
        if let grouped = value as? [String: Any] {
            return try grouped.keys.sorted().flatMap { kind in
                let texts = grouped[kind] as? [Any] ?? [grouped[kind] as Any]
                return try texts.enumerated().map { index, text in
                    try prompt(text, kind: kind, path: path + ".\(kind)[\(index)]", key: nil, kindKey: nil, json: json)
                }
            }
        }
        guard let list = value as? [Any] else {
            throw MoKusError.invalidBenchmarkData(
                file: json.file, key: path, expected: "prompts grouped by kind or a list of {prompt, type} objects",
                found: KnowCusDataJSON.kind(value))
        }
        return try list.enumerated().map { index, item in
            let itemPath = path + "[\(index)]"
            guard let fields = item as? [String: Any],
                  let key = KnowCusDataJSON.promptKeys.first(where: { fields[$0] != nil }) else {
                throw MoKusError.invalidBenchmarkData(
                    file: json.file, key: itemPath, expected: "an object with a prompt and its kind ({\"prompt\": …, \"type\": …})",
                    found: KnowCusDataJSON.kind(item))
            }
            let kindKey = KnowCusDataJSON.kindKeys.first { fields[$0] != nil }
            for other in fields.keys.sorted() where other != key && other != kindKey {
                unknown[itemPath + "." + other] = KnowCusDataJSON.text(fields[other] as Any)
            }
            return try prompt(fields[key] as Any, kind: kindKey.map { fields[$0] as Any }, path: itemPath, key: key,
                              kindKey: kindKey, json: json)
        }
    }

    /// One prompt: its template with the phrase placeholder rewritten to `{}` (``placeholders``) and
    /// its kind (``kind(_:)``).
    static func prompt(_ text: Any, kind: Any?, path: String, key: String?, kindKey: String?, json: KnowCusDataJSON) throws
        -> KnowCusPrompt
    {
        let textPath = key.map { path + "." + $0 } ?? path
        guard let template = text as? String else {
            throw MoKusError.invalidBenchmarkData(file: json.file, key: textPath, expected: "a prompt string", found: KnowCusDataJSON.kind(text))
        }
        guard let placeholder = placeholders.first(where: { template.contains($0) }) else {
            throw MoKusError.invalidBenchmarkData(
                file: json.file, key: textPath, expected: "a prompt with a placeholder for the phrase (one of \(placeholders.joined(separator: " ")))",
                found: "'\(template)'")
        }
        let kindPath = kindKey.map { path + "." + $0 } ?? path
        guard let name = kind as? String, let parsed = Self.kind(name) else {
            throw MoKusError.invalidBenchmarkData(
                file: json.file, key: kindPath, expected: "a prompt kind (background, new object, style, attribute, reconstruction)",
                found: kind.map(KnowCusDataJSON.kind) ?? "none")
        }
        return KnowCusPrompt(
            kind: parsed, template: template.replacingOccurrences(of: placeholder, with: "{}"), expected: [:], requested: [:])
    }

    /// A published kind name ("background change", "new_object", "Style", "attribute modification")
    /// by the word it contains; nil for any other.
    static func kind(_ name: String) -> KnowCusPromptKind? {
        let words = name.lowercased().replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "-", with: " ")
        let table: [(String, KnowCusPromptKind)] = [
            ("background", .background), ("object", .newObject), ("style", .style), ("attribute", .attribute),
            ("reconstruction", .reconstruction),
        ]
        return table.first { words.contains($0.0) }?.1
    }
}
