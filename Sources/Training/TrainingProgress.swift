import Foundation

/// One report of a ``Trainer`` run, sent after every step (library code never prints; the caller
/// decides how to show it).
public struct TrainingProgress: Sendable {
    /// Steps completed (1-based), counting those of a resumed checkpoint.
    public var step: Int
    public var totalSteps: Int
    /// The loss of this step's batch (before the update).
    public var loss: Float
    /// The learning rate this step's update used.
    public var learningRate: Float
    /// The joint gradient norm before clipping.
    public var gradientNorm: Float
    /// Items (tokens, images) per second over the steps of this invocation.
    public var itemsPerSecond: Double
    /// Seconds since this invocation started (a resumed run starts at 0).
    public var elapsed: Double
    /// The checkpoint written after this step, if any.
    public var checkpoint: URL?
}

/// The outcome of a ``Trainer`` run.
public struct TrainingResult: Sendable {
    /// The final parameters, in the order they were given.
    public var parameters: [NamedParameter]
    /// Their exponential moving average, when the configuration keeps one (``TrainingConfiguration/emaDecay``).
    public var averagedParameters: [NamedParameter]?
    /// Steps completed in total (counting resumed ones).
    public var step: Int
    /// The step at which this invocation started (0, or the resumed checkpoint's step).
    public var resumedFrom: Int
    /// The loss of every step this invocation ran.
    public var losses: [Float]
    /// Items (tokens, images) processed by this invocation.
    public var items: Int
    public var elapsed: Double
}
