import Foundation

/// What every world recipe (``EncoderRecipe``, ``EvaluatorRecipe``, ``GeneratorRecipe``) has: its
/// fields as JSON, a seed and a step count.
public protocol WorldRecipe: Codable {
    var seed: UInt64 { get set }
    var steps: Int { get set }
}

extension EncoderRecipe: WorldRecipe {}
extension EvaluatorRecipe: WorldRecipe {}
extension GeneratorRecipe: WorldRecipe {}

/// A recipe variant as a small JSON file: `{"headDimension": 64, "batchSize": 128}` replaces those
/// fields of a base recipe (the shipped or the test one) and keeps every other, so an experiment is
/// a file beside the command that ran it (`mokus world train … --recipe FILE`).
///
/// Keys are the recipe's own field names (as its JSON encoding writes them); a key the recipe does
/// not have, or a value of the wrong type, is refused naming the key. Ranges are checked later, by
/// the model configuration and trainer the recipe builds.
public enum RecipeFile {
    /// The largest file read (recipes are a few hundred bytes).
    static let byteLimit = 1 << 20

    /// `base` with the fields of the JSON object in `url` replaced.
    ///
    /// - Throws: ``WorldError/unreadableFile(path:reason:)`` for a missing, unreadable or oversized
    ///   file; ``WorldError/corruptFile(path:key:expected:found:)`` for invalid JSON, a root that is
    ///   not an object, an unknown key (listing the known ones) or a value of the wrong type.
    public static func apply<Recipe: Codable>(_ url: URL, to base: Recipe) throws -> Recipe {
        let path = url.path(percentEncoded: false)
        let overrides = try readObject(url, path: path)
        guard var fields = try JSONSerialization.jsonObject(with: JSONEncoder().encode(base)) as? [String: Any] else {
            preconditionFailure("a recipe encodes to a JSON object")
        }
        for key in overrides.keys.sorted() {
            guard fields[key] != nil else {
                throw WorldError.corruptFile(
                    path: path, key: key, expected: "one of \(fields.keys.sorted().joined(separator: ", "))",
                    found: "an unknown key")
            }
            fields[key] = overrides[key]
        }
        do {
            return try JSONDecoder().decode(Recipe.self, from: JSONSerialization.data(withJSONObject: fields))
        } catch let DecodingError.typeMismatch(type, context) {
            throw WorldError.corruptFile(
                path: path, key: keyPath(context), expected: "a value of type \(type)", found: "\(context.debugDescription)")
        } catch let DecodingError.dataCorrupted(context) {
            throw WorldError.corruptFile(
                path: path, key: keyPath(context), expected: "a valid value", found: context.debugDescription)
        } catch {
            throw WorldError.corruptFile(path: path, key: "", expected: "recipe fields", found: "\(error)")
        }
    }

    private static func readObject(_ url: URL, path: String) throws -> [String: Any] {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int else {
            throw WorldError.unreadableFile(path: path, reason: "no such file")
        }
        guard size <= byteLimit else {
            throw WorldError.unreadableFile(path: path, reason: "\(size) bytes, more than a recipe's limit of \(byteLimit)")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw WorldError.unreadableFile(path: path, reason: "it cannot be read")
        }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw WorldError.corruptFile(path: path, key: "", expected: "a JSON object of recipe fields", found: "invalid JSON")
        }
        guard let overrides = object as? [String: Any] else {
            throw WorldError.corruptFile(path: path, key: "", expected: "a JSON object of recipe fields", found: "another JSON value")
        }
        return overrides
    }

    private static func keyPath(_ context: DecodingError.Context) -> String {
        context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
