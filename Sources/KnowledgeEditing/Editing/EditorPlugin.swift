/// An editor that brings everything the registry needs to build it from an hparams file: its
/// EasyEdit name (``KnowledgeEditor/algorithmName``), its hparams type (which decodes and
/// validates its keys) and how to make itself from decoded hparams and the run's context.
/// A composition root registers one with one line:
///
/// ```swift
/// registry.register(ROMEEditor.self)
/// ```
public protocol EditorPlugin: KnowledgeEditor, SendableMetatype {
    /// The editor's hparams, decoded strictly from the file (unknown keys, missing keys and bad
    /// values are errors naming the file, key and line).
    associatedtype Hyperparameters: HyperparameterSet

    /// The editor for `hyperparameters`, drawing layer statistics from `context` when it needs them.
    init(_ hyperparameters: Hyperparameters, context: EditingContext)
}
