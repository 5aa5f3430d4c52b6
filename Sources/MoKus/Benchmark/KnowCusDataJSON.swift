import Foundation
import ModelIO

/// The tolerant JSON side of the KnowCusBench reader (``KnowCusDataFolder``): `dataset.json` and the
/// knowledge files, whose exact field names are unpublished (docs/benchmark-knowcus.md, "The
/// published layout", lists every shape accepted). Known keys are read under each of their
/// spellings; every other key is kept, as its JSON text, under its path (``KnowCusDataEntry/unknown``).
struct KnowCusDataJSON {
    /// The file's path for errors.
    let file: String

    /// Spellings of the keys, tried in order.
    static let nameKeys = ["concept", "name", "id", "concept_name", "concept_id"]
    static let classKeys = ["class", "class_name", "class_token", "class_noun"]
    static let anchorKeys = ["anchor", "instance_prompt", "rare_token_prompt"]
    static let folderKeys = ["image_dir", "image_folder", "folder"]
    static let promptsKeys = ["prompts", "generation_prompts"]
    static let promptKeys = ["prompt", "template", "text"]
    static let kindKeys = ["type", "kind", "perspective", "category"]
    static let knowledgeKeys = ["knowledge", "statements", "knowledge_data"]
    static let statementKeys = ["knowledge", "statement", "text", "content"]
    static let perspectiveKeys = ["perspective", "type", "category", "aspect"]

    /// Parses `data` as JSON.
    ///
    /// - Throws: ``MoKusError/invalidBenchmarkData(file:key:expected:found:)`` for text that is not JSON.
    func parse(_ data: Data) throws -> Any {
        do {
            return try JSONSerialization.jsonObject(with: data)
        } catch {
            throw MoKusError.invalidBenchmarkData(file: file, key: "", expected: "JSON", found: ErrorText.reason(error))
        }
    }

    /// The concepts of `dataset.json`, in file order, entries of one concept merged: an object keyed
    /// by concept (`{"dog": {…}}`), a list of entries naming their concept (`[{"concept": "dog", …}]`,
    /// several per concept allowed: one per prompt, say), or either under a top-level `concepts` key.
    func concepts(_ root: Any) throws -> [KnowCusDataEntry] {
        if let object = root as? [String: Any], let inner = object["concepts"], inner is [Any] || inner is [String: Any] {
            let others = object.keys.filter { $0 != "concepts" }.sorted()
            var entries = try concepts(inner)
            for (index, _) in entries.enumerated() {
                for key in others { entries[index].unknown["/" + key] = Self.text(object[key] as Any) }
            }
            return entries
        }
        var entries: [KnowCusDataEntry] = []
        func add(_ name: String, _ value: Any, path: String) throws {
            guard let fields = value as? [String: Any] else {
                throw MoKusError.invalidBenchmarkData(file: file, key: path, expected: "an object", found: Self.kind(value))
            }
            if let index = entries.firstIndex(where: { $0.name == name }) {
                try entries[index].read(fields, path: path, json: self)
            } else {
                var entry = KnowCusDataEntry(name: name)
                try entry.read(fields, path: path, json: self)
                entries.append(entry)
            }
        }
        if let object = root as? [String: Any] {
            for name in object.keys.sorted() { try add(name, object[name] as Any, path: name) }
        } else if let list = root as? [Any] {
            for (index, value) in list.enumerated() {
                let path = "[\(index)]"
                let fields = value as? [String: Any] ?? [:]
                guard let name = try string(fields, Self.nameKeys, path: path) else {
                    throw MoKusError.invalidBenchmarkData(
                        file: file, key: path + ".concept", expected: "the concept's name (one of \(Self.nameKeys.joined(separator: ", ")))",
                        found: value is [String: Any] ? "none" : Self.kind(value))
                }
                try add(name, value, path: path)
            }
        } else {
            throw MoKusError.invalidBenchmarkData(
                file: file, key: "", expected: "an object keyed by concept or a list of concept entries", found: Self.kind(root))
        }
        guard !entries.isEmpty else {
            throw MoKusError.invalidBenchmarkData(file: file, key: "", expected: "at least one concept", found: "none")
        }
        return entries
    }

    /// Statements of a knowledge value: a list of strings, a list of objects (`{"knowledge": "my
    /// lucky charm", "perspective": "value"}`), an object keyed by perspective (a string or a list of
    /// strings each), or one of those under a `knowledge` key (the object's other keys kept in `unknown`).
    func statements(_ value: Any, path: String, unknown: inout [String: String]) throws -> [KnowCusStatement] {
        func at(_ key: String) -> String { path.isEmpty ? key : path + "." + key }
        if let object = value as? [String: Any], let key = Self.knowledgeKeys.first(where: { object[$0] != nil }) {
            for other in object.keys.sorted() where other != key { unknown[at(other)] = Self.text(object[other] as Any) }
            return try statements(object[key] as Any, path: at(key), unknown: &unknown)
        }
        if let object = value as? [String: Any] {
            return try object.keys.sorted().flatMap { perspective in
                let texts = object[perspective] as? [Any] ?? [object[perspective] as Any]
                return try texts.enumerated().map { index, text in
                    KnowCusStatement(text: try statement(text, path: at(perspective) + "[\(index)]"), perspective: perspective)
                }
            }
        }
        guard let list = value as? [Any] else {
            throw MoKusError.invalidBenchmarkData(
                file: file, key: path, expected: "a list of statements or an object keyed by perspective", found: Self.kind(value))
        }
        return try list.enumerated().map { index, item in
            let itemPath = path + "[\(index)]"
            guard let fields = item as? [String: Any] else {
                return KnowCusStatement(text: try statement(item, path: itemPath), perspective: nil)
            }
            guard let textKey = Self.statementKeys.first(where: { fields[$0] != nil }) else {
                throw MoKusError.invalidBenchmarkData(
                    file: file, key: itemPath, expected: "a statement under one of \(Self.statementKeys.joined(separator: ", "))",
                    found: "keys \(fields.keys.sorted().joined(separator: ", "))")
            }
            let perspectiveKey = Self.perspectiveKeys.first { fields[$0] != nil && $0 != textKey }
            for key in fields.keys.sorted() where key != textKey && key != perspectiveKey {
                unknown[itemPath + "." + key] = Self.text(fields[key] as Any)
            }
            return KnowCusStatement(
                text: try statement(fields[textKey] as Any, path: itemPath + "." + textKey),
                perspective: try perspectiveKey.flatMap { try string(fields, [$0], path: itemPath) })
        }
    }

    /// A non-blank statement string.
    func statement(_ value: Any, path: String) throws -> String {
        guard let text = (value as? String)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            throw MoKusError.invalidBenchmarkData(file: file, key: path, expected: "a non-empty statement", found: Self.kind(value))
        }
        return text
    }

    /// The first of `keys` present in `fields`, which must be a non-blank string.
    func string(_ fields: [String: Any], _ keys: [String], path: String) throws -> String? {
        guard let key = keys.first(where: { fields[$0] != nil }) else { return nil }
        guard let text = (fields[key] as? String)?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            throw MoKusError.invalidBenchmarkData(
                file: file, key: path.isEmpty ? key : path + "." + key, expected: "a non-empty string", found: Self.kind(fields[key] as Any))
        }
        return text
    }

    /// The JSON text of a kept value (sorted keys, so equal values read equal).
    static func text(_ value: Any) -> String {
        guard JSONSerialization.isValidJSONObject([value]),
              let data = try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys, .withoutEscapingSlashes])
        else { return "\(value)" }
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }

    /// A value's JSON type for errors; a string with its text ("a string \"x\"").
    static func kind(_ value: Any) -> String {
        value is String ? "a string \(text(value))" : ConceptKnowledge.typeName(value)
    }
}
