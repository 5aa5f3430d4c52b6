import ModelIO

/// The table from `alg_name` to the editor that implements it, as mlx-swift-lm maps `model_type`
/// to a model initializer.
///
/// The CLI's composition root builds it once and then only reads it; each editor plugin brings
/// its own name and hparams type (``EditorPlugin``):
///
/// ```swift
/// var registry = EditorRegistry()
/// registry.register(ROMEEditor.self)
/// registry.register(MEMITEditor.self)
/// let editors = registry                          // immutable from here on
/// let editor = try editors.editor(for: HyperparameterFile(contentsOf: url), context: context)
/// ```
///
/// Names match case-insensitively and are stored as registered (the plugins use EasyEdit's
/// spelling): `UltraEdit`, EasyEdit's alias, and `ultraedit` both select `ULTRAEDIT`;
/// `alphaedit` selects `AlphaEdit`.
public struct EditorRegistry: Sendable {
    /// Builds an editor from its hparams file (decoding the editor's own hparams type from it)
    /// and the run's context.
    public typealias Factory = @Sendable (HyperparameterFile, EditingContext) throws -> any KnowledgeEditor

    /// Factories by case-folded name.
    private var factories: [String: (name: String, make: Factory)] = [:]

    public init() {}

    /// The registered names, as registered, sorted.
    public var names: [String] { factories.values.map(\.name).sorted() }

    /// Registers an editor plugin under its ``KnowledgeEditor/algorithmName``: the file's keys
    /// decode into its ``EditorPlugin/Hyperparameters``.
    public mutating func register<Plugin: EditorPlugin>(_ plugin: Plugin.Type) {
        register(Plugin.algorithmName) { file, context in Plugin(try file.decode(Plugin.Hyperparameters.self), context: context) }
    }

    /// Registers `factory` under `name`.
    ///
    /// - Precondition: no editor is registered under the same name, ignoring case: registering
    ///   twice is a bug in the composition root, not a user error.
    public mutating func register(_ name: String, _ factory: @escaping Factory) {
        let key = name.lowercased()
        precondition(factories[key] == nil, "an editor is already registered as '\(name)'")
        factories[key] = (name, factory)
    }

    /// Whether an editor is registered under `name` (ignoring case).
    public func contains(_ name: String) -> Bool {
        factories[name.lowercased()] != nil
    }

    /// Builds the editor that `file`'s `alg_name` selects, with `context` for what it draws on.
    ///
    /// - Throws: ``HyperparameterError/unknownAlgorithm(file:name:line:registered:suggestion:)``
    ///   when no editor is registered under that name, and whatever the factory throws (normally
    ///   ``HyperparameterError`` from decoding its hparams).
    public func editor(for file: HyperparameterFile, context: EditingContext = EditingContext()) throws -> any KnowledgeEditor {
        guard let entry = factories[file.algorithmName.lowercased()] else {
            throw HyperparameterError.unknownAlgorithm(
                file: file.path, name: file.algorithmName, line: file.algorithmKey.line, registered: names,
                suggestion: EditDistance.suggestions(for: file.algorithmName, among: names, limit: 1).first)
        }
        return try entry.make(file, context)
    }
}
