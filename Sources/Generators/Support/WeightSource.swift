import ModelIO
import Tensors

/// Where a generator component's parameters come from: Float32 tensors by state-dict name.
///
/// Two sources exist: ``ComponentWeights`` (a memory-mapped diffusers checkpoint, converted per
/// use; what inference and LoRA training read) and ``InMemoryWeights`` (tensors held by the caller,
/// possibly tape variables; what full training reads). A model runs the same forward on either;
/// only how a linear layer's matrix takes part in the product differs (``fetchesPerProduct``).
public protocol WeightSource {
    /// Declared parameter name → shape.
    var shapes: [String: [Int]] { get }
    /// Parameter `name` as Float32.
    ///
    /// - Precondition: `name` was declared (every source checks its names and shapes when made).
    func tensor(_ name: String) -> Tensor
    /// True when a matrix should be fetched again for the backward product rather than held by
    /// the tape (mapped checkpoints: no Float32 copy of a large frozen weight stays alive, and no
    /// gradient reaches it); false when the stored tensor itself enters the product, so a tracked
    /// weight receives its gradient.
    var fetchesPerProduct: Bool { get }
}

extension ComponentWeights: WeightSource {
    public var fetchesPerProduct: Bool { true }
}

/// Parameters held in memory by name, e.g. the tape variables of a training step.
///
/// Made strictly, like a checkpoint: every declared parameter must be given with its declared
/// shape, and nothing else.
public struct InMemoryWeights: WeightSource {
    public let shapes: [String: [Int]]
    private let values: [String: Tensor]

    /// - Parameters:
    ///   - values: the parameters by name.
    ///   - declared: the (name, shape) pairs the model needs.
    /// - Throws: the errors of a strict checkpoint: ``ModelIOError/missingTensor(directory:name:)``,
    ///   ``ModelIOError/unexpectedTensor(directory:name:)`` or
    ///   ``ModelIOError/tensorShapeMismatch(name:expected:found:)`` (the "directory" is `(in memory)`).
    public init(_ values: [String: Tensor], declared: [(String, [Int])]) throws {
        var shapes: [String: [Int]] = [:]
        for (name, shape) in declared {
            guard let value = values[name] else {
                throw ModelIOError.missingTensor(directory: Self.location, name: name)
            }
            guard value.shape == shape else {
                throw ModelIOError.tensorShapeMismatch(name: name, expected: shape, found: value.shape)
            }
            shapes[name] = shape
        }
        if let extra = values.keys.sorted().first(where: { shapes[$0] == nil }) {
            throw ModelIOError.unexpectedTensor(directory: Self.location, name: extra)
        }
        self.shapes = shapes
        self.values = values
    }

    /// How errors name this source.
    static let location = "(in memory)"

    public func tensor(_ name: String) -> Tensor {
        guard let value = values[name] else { preconditionFailure("InMemoryWeights: \"\(name)\" was not declared") }
        return value
    }

    public var fetchesPerProduct: Bool { false }
}
