import Tensors

// A fixed set of labelled images served as seeded, reshuffled-every-epoch mini-batches.

/// A fixed labelled image set (all images in one tensor) that yields training batches in a
/// seeded order: epoch e visits the images in the order of a permutation drawn from
/// `RandomGenerator(seed: seed &+ e)`, in consecutive batches of `size` (the last, short batch of
/// an epoch is dropped, so every batch has `size` images).
public struct LabelledDataset: Sendable {
    public let examples: LabelledBatch

    public init(_ examples: LabelledBatch) {
        self.examples = examples
    }

    /// Number of images.
    public var count: Int { examples.images.shape.first ?? 0 }

    /// The training batch of step `step` (0-based): the same arguments always give the same batch.
    ///
    /// - Throws: ``EvaluatorError/invalidConfiguration(field:expected:found:)`` unless
    ///   1 ≤ size ≤ count and step ≥ 0.
    public func batch(at step: Int, size: Int, seed: UInt64) throws -> LabelledBatch {
        guard size >= 1 && size <= count else {
            throw EvaluatorError.invalidConfiguration(field: "batch size", expected: "1...\(count)", found: "\(size)")
        }
        guard step >= 0 else { throw EvaluatorError.invalidConfiguration(field: "step", expected: "≥ 0", found: "\(step)") }
        let perEpoch = count / size
        let (epoch, position) = step.quotientAndRemainder(dividingBy: perEpoch)
        var rng = RandomGenerator(seed: seed &+ UInt64(epoch))
        let order = rng.permutation(count)
        return examples.selecting(Array(order[(position * size)..<((position + 1) * size)]))
    }
}
