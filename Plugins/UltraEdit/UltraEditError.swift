/// What can be wrong with UltraEdit's inputs and state, beyond what the hparams file and the
/// requests report themselves (``KnowledgeEditing/HyperparameterError``,
/// ``KnowledgeEditing/EditRequestError``). Thrown before the editor's result is returned, leaving
/// the encoder's parameters and the ``KnowledgeEditing/EditState`` unchanged.
public enum UltraEditError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Request `request`'s prompt has no tokens, so no position predicts the target's first token.
    case emptyPrompt(request: Int)
    /// An edited module has no weight `parameter` (`shape` nil), or it is not a matrix.
    case missingWeight(parameter: String, shape: [Int]?)
    /// The edited module's weight `parameter` is not a matrix with one dimension d_in (the width
    /// of the module's input) and the other d_out (the width of its output).
    case notALinearWeight(parameter: String, shape: [Int], inputWidth: Int, outputWidth: Int)
    /// The saved normaliser tensor `name` is missing (`found` nil) while its siblings exist, has the
    /// wrong shape, or (the count) does not hold two non-negative integers below 2²⁴.
    case normalizerStateMismatch(name: String, expected: [Int], found: [Int]?)

    public var description: String {
        switch self {
        case let .emptyPrompt(request):
            "request \(request): the prompt has no tokens; UltraEdit needs a position that predicts the target"
        case let .missingWeight(parameter, shape):
            (shape.map { "\(parameter) has shape \($0), expected a matrix" } ?? "the model has no parameter \(parameter)")
                + "; UltraEdit edits the weight matrices of linear modules (inner_params)"
        case let .notALinearWeight(parameter, shape, inputWidth, outputWidth):
            "\(parameter) has shape \(shape), expected [\(outputWidth), \(inputWidth)] (Linear) or "
                + "[\(inputWidth), \(outputWidth)] (Conv1D) for a module mapping \(inputWidth) to \(outputWidth) "
                + "features; UltraEdit edits linear maps only"
        case let .normalizerStateMismatch(name, expected, found):
            "edit state tensor \(name) (UltraEdit's lifelong normaliser) "
                + (found.map { "has shape \($0) or invalid values, expected shape \(expected)" }
                    ?? "is missing while the rest of its normaliser is saved")
                + "; was the state saved by another model or tool? Reset the edit state to start a new normaliser"
        }
    }
}
