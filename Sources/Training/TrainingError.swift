/// Errors of the training loop, its checkpoints and the language-model recipe. Every message is
/// one line naming the file, key or step concerned and what was expected versus found.
public enum TrainingError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A configuration value outside its range (`steps` ≤ 0, a negative learning rate, …).
    case invalidConfiguration(key: String, reason: String)
    /// The objective has no examples to draw batches from.
    case emptyDataset(reason: String)
    /// The checkpoint folder holds state written for another configuration or model.
    case checkpointMismatch(file: String, expected: String, found: String)
    /// A checkpoint file is missing, truncated or altered.
    case corruptedCheckpoint(file: String, reason: String)
    /// The loss (or the gradient norm) became NaN or infinite; training stops at that step.
    case nonFinite(quantity: String, step: Int, value: Float)
    /// An output or checkpoint could not be written.
    case writeFailed(file: String, reason: String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let key, let reason): "training configuration: \(key): \(reason)"
        case .emptyDataset(let reason): "training data is empty: \(reason)"
        case .checkpointMismatch(let file, let expected, let found):
            "\(file): checkpoint was written for another configuration (expected hash \(expected), found \(found))"
        case .corruptedCheckpoint(let file, let reason): "\(file): corrupted checkpoint: \(reason)"
        case .nonFinite(let quantity, let step, let value):
            "training stopped at step \(step): the \(quantity) is \(value) (lower the learning rate or check the data)"
        case .writeFailed(let file, let reason): "\(file): cannot write: \(reason)"
        }
    }
}
