/// What can be wrong with AlphaEdit's inputs and state. Thrown before the target optimisation
/// (statistics, projector and key cache are checked first), leaving the encoder's parameters and
/// the ``KnowledgeEditing/EditState`` unchanged.
public enum AlphaEditError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The layer statistics C of `module` are not a square matrix matching the edited weight,
    /// whose key width is the dimension of the weight that is not the model width.
    case statisticsShapeMismatch(module: String, statisticsShape: [Int], weightShape: [Int], modelWidth: Int)
    /// The projector cached for `module` is `found` × `found`, the module's keys are `expected` wide.
    case projectorShapeMismatch(module: String, expected: Int, found: Int)
    /// The key cache K_p K_pᵀ saved for `module` (state tensor `name`) has the wrong shape.
    case keyCacheShapeMismatch(name: String, expected: [Int], found: [Int])
    /// No eigenvalue of C at `module` is below `nullspace_threshold` in absolute value: the
    /// projector is 0 and every update would be 0.
    case emptyNullSpace(module: String, threshold: Double, smallestEigenvalue: Double)

    public var description: String {
        switch self {
        case let .statisticsShapeMismatch(module, statisticsShape, weightShape, modelWidth):
            "\(module): layer statistics have shape \(statisticsShape), expected [d, d] with d the key width of the "
                + "weight \(weightShape) (the dimension other than the model width \(modelWidth)); "
                + "were they computed for another model or module?"
        case let .projectorShapeMismatch(module, expected, found):
            "\(module): the cached null-space projector is \(found)×\(found), but the module's keys are "
                + "\(expected) wide; refusing to use it"
        case let .keyCacheShapeMismatch(name, expected, found):
            "edit state tensor \(name) (AlphaEdit's cache of earlier keys) has shape \(found), expected \(expected); "
                + "was the state saved for another model? Reset the edit state to start a new cache"
        case let .emptyNullSpace(module, threshold, smallestEigenvalue):
            "\(module): no eigenvalue of the layer statistics is below nullspace_threshold \(threshold) in absolute "
                + "value (smallest: \(smallestEigenvalue)), so every update would be zero; raise nullspace_threshold"
        }
    }
}
