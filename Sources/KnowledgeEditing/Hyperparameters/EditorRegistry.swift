import ModelIO

/// The table from `alg_name` to the editor that implements it, as mlx-swift-lm maps `model_type`
/// to a model initializer.
///
/// The CLI's composition root builds it once and then only reads it:
///
/// ```swift
/// var registry = EditorRegistry()
/// registry.register("ROME") { file in ROMEEditor(hparams: try file.decode(ROMEHyperparameters.self)) }
/// registry.register("MEMIT") { file in MEMITEditor(hparams: try file.decode(MEMITHyperparameters.self)) }
/// let editors = registry                          // immutable from here on
/// let editor = try editors.editor(for: HyperparameterFile(contentsOf: url))
/// ```
///
/// Names match case-insensitively, and names EasyEdit knows are stored in EasyEdit's spelling
/// (``easyEditNames``): `UltraEdit`, EasyEdit's alias, and `ultraedit` both select `ULTRAEDIT`;
/// `alphaedit` selects `AlphaEdit`.
public struct EditorRegistry: Sendable {
    /// Builds an editor from its hparams file (decoding the editor's own hparams type from it).
    public typealias Factory = @Sendable (HyperparameterFile) throws -> any KnowledgeEditor

    /// EasyEdit's canonical spellings (`easyeditor/util/alg_dict.py`) of the editors this project
    /// implements.
    public static let easyEditNames = ["ROME", "MEMIT", "AlphaEdit", "ULTRAEDIT"]

    /// Factories by case-folded name.
    private var factories: [String: (name: String, make: Factory)] = [:]

    public init() {}

    /// The registered names, canonical spelling, sorted.
    public var names: [String] { factories.values.map(\.name).sorted() }

    /// EasyEdit's spelling of `name` when it is one of ``easyEditNames`` (ignoring case), else
    /// `name` itself.
    public static func canonicalName(_ name: String) -> String {
        easyEditNames.first { $0.lowercased() == name.lowercased() } ?? name
    }

    /// Registers `factory` under `name` (stored as ``canonicalName(_:)``).
    ///
    /// - Precondition: no editor is registered under the same name, ignoring case: registering
    ///   twice is a bug in the composition root, not a user error.
    public mutating func register(_ name: String, _ factory: @escaping Factory) {
        let key = name.lowercased()
        precondition(factories[key] == nil, "an editor is already registered as '\(name)'")
        factories[key] = (Self.canonicalName(name), factory)
    }

    /// Whether an editor is registered under `name` (ignoring case).
    public func contains(_ name: String) -> Bool {
        factories[name.lowercased()] != nil
    }

    /// Builds the editor that `file`'s `alg_name` selects.
    ///
    /// - Throws: ``HyperparameterError/unknownAlgorithm(file:name:line:registered:suggestion:)``
    ///   when no editor is registered under that name, and whatever the factory throws (normally
    ///   ``HyperparameterError`` from decoding its hparams).
    public func editor(for file: HyperparameterFile) throws -> any KnowledgeEditor {
        guard let entry = factories[file.algorithmName.lowercased()] else {
            throw HyperparameterError.unknownAlgorithm(
                file: file.path, name: file.algorithmName, line: file.algorithmKey.line, registered: names,
                suggestion: EditDistance.suggestions(for: file.algorithmName, among: names, limit: 1).first)
        }
        return try entry.make(file)
    }
}
