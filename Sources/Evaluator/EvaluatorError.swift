/// Everything that can go wrong when building, training, loading or running an image evaluator.
///
/// Every case says what was expected and what was found, and names the file or tensor it
/// concerns where there is one. Bad input never traps: each validation ends in one of these cases.
public enum EvaluatorError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The attribute schema is unusable (no attributes, an empty or repeated class list, …).
    case invalidSchema(reason: String)
    /// The architecture sizes are unusable (`field` names the configuration key).
    case invalidConfiguration(field: String, expected: String, found: String)
    /// A file of the evaluator folder does not exist.
    case missingFile(path: String)
    /// A file exists but cannot be read or parsed (`reason` carries ModelIO's message).
    case corruptedFile(path: String, reason: String)
    /// `model.safetensors` lacks a tensor the configuration needs.
    case missingWeight(file: String, tensor: String)
    /// A stored tensor's shape differs from the one the configuration implies.
    case weightShapeMismatch(file: String, tensor: String, expected: [Int], found: [Int])
    /// A stored tensor holds NaN or ±∞.
    case nonFiniteWeight(file: String, tensor: String)
    /// The loaded evaluator was trained for another attribute schema than the caller expects.
    case schemaMismatch(expected: [String], found: [String])
    /// Images must be `[B, 3, size, size]` (with B ≥ 1) for the configured size.
    case wrongImageShape(expected: [Int], found: [Int])
    /// Image `index` of a batch holds NaN or ±∞.
    case nonFiniteImage(index: Int)
    /// An object mask must be `[B, 1, size, size]` or `[B, size, size]` with the images' B and size.
    case wrongMaskShape(expected: [Int], found: [Int])
    /// Two batches that are compared image by image have different sizes.
    case batchSizeMismatch(first: Int, second: Int)
    /// A label row does not give one class per attribute.
    case labelCountMismatch(image: Int, expected: Int, found: Int)
    /// A label is not a class index of its attribute.
    case labelOutOfRange(image: Int, attribute: String, label: Int, classCount: Int)
    /// The number of label rows differs from the number of images.
    case labelRowsMismatch(images: Int, rows: Int)
    /// A caption (partial attribute assignment) names an attribute the schema does not have.
    case unknownAttribute(name: String, known: [String])
    /// A caption names a class its attribute does not have.
    case unknownClass(attribute: String, name: String, known: [String])
    /// An alignment was asked for a caption that mentions no attribute.
    case emptyCaption
    /// Training diverged: the loss of `step` is NaN or ±∞.
    case nonFiniteLoss(step: Int, loss: Float)
    /// Writing the evaluator folder failed; no half-written file was left.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidSchema(reason):
            "invalid attribute schema: \(reason)"
        case let .invalidConfiguration(field, expected, found):
            "invalid evaluator configuration: '\(field)' expected \(expected), found \(found)"
        case let .missingFile(path):
            "\(path): no such file (an evaluator folder holds config.json and model.safetensors)"
        case let .corruptedFile(path, reason):
            "\(path): cannot read: \(reason)"
        case let .missingWeight(file, tensor):
            "\(file): no tensor '\(tensor)'"
        case let .weightShapeMismatch(file, tensor, expected, found):
            "\(file): tensor '\(tensor)' has shape \(found), expected \(expected)"
        case let .nonFiniteWeight(file, tensor):
            "\(file): tensor '\(tensor)' holds NaN or infinite values"
        case let .schemaMismatch(expected, found):
            "evaluator schema mismatch: expected attributes \(expected), found \(found)"
        case let .wrongImageShape(expected, found):
            "images have shape \(found), expected \(expected) (B = -1: any batch size ≥ 1)"
        case let .nonFiniteImage(index):
            "image \(index) holds NaN or infinite values"
        case let .wrongMaskShape(expected, found):
            "mask has shape \(found), expected \(expected) (or without the channel axis)"
        case let .batchSizeMismatch(first, second):
            "batches of \(first) and \(second) images cannot be compared image by image"
        case let .labelCountMismatch(image, expected, found):
            "labels of image \(image): \(found) values, expected one per attribute (\(expected))"
        case let .labelOutOfRange(image, attribute, label, classCount):
            "labels of image \(image): '\(attribute)' = \(label), expected 0..<\(classCount)"
        case let .labelRowsMismatch(images, rows):
            "\(rows) label rows for \(images) images"
        case let .unknownAttribute(name, known):
            "unknown attribute '\(name)'; known: \(known.joined(separator: ", "))"
        case let .unknownClass(attribute, name, known):
            "unknown class '\(name)' of '\(attribute)'; known: \(known.joined(separator: ", "))"
        case .emptyCaption:
            "a caption must mention at least one attribute"
        case let .nonFiniteLoss(step, loss):
            "training diverged: loss \(loss) at step \(step)"
        case let .writeFailed(path, reason):
            "\(path): cannot write: \(reason)"
        }
    }
}
