import Tensors

// A batch of images with one class label per attribute, as training and accuracy take them.

/// Images `[B, 3, H, W]` in [0, 1] and their labels: `labels[i][a]` is the class index of
/// attribute a (schema order) in image i.
public struct LabelledBatch: Sendable {
    public var images: Tensor
    public var labels: [[Int]]

    public init(images: Tensor, labels: [[Int]]) {
        self.images = images
        self.labels = labels
    }

    /// The labels attribute by attribute (`[a][i]`), after checking them against `schema`.
    ///
    /// - Throws: ``EvaluatorError/labelRowsMismatch(images:rows:)``,
    ///   ``EvaluatorError/labelCountMismatch(image:expected:found:)`` or
    ///   ``EvaluatorError/labelOutOfRange(image:attribute:label:classCount:)``.
    func labelsByAttribute(schema: AttributeSchema) throws -> [[Int]] {
        let batch = images.shape.first ?? 0
        guard labels.count == batch else { throw EvaluatorError.labelRowsMismatch(images: batch, rows: labels.count) }
        var columns = [[Int]](repeating: [], count: schema.count)
        for (image, row) in labels.enumerated() {
            guard row.count == schema.count else {
                throw EvaluatorError.labelCountMismatch(image: image, expected: schema.count, found: row.count)
            }
            for (a, label) in row.enumerated() {
                let classCount = schema.attributes[a].classes.count
                guard label >= 0 && label < classCount else {
                    throw EvaluatorError.labelOutOfRange(
                        image: image, attribute: schema.attributes[a].name, label: label, classCount: classCount)
                }
                columns[a].append(label)
            }
        }
        return columns
    }

    /// Images `indices` of this batch with their labels (a copy).
    public func selecting(_ indices: [Int]) -> LabelledBatch {
        let plane = images.count / Swift.max(1, images.shape[0])
        let selected = Tensor(shape: [indices.count] + images.shape.dropFirst()) { buffer in
            images.withUnsafeBufferPointer { source in
                for (row, index) in indices.enumerated() {
                    _ = UnsafeMutableBufferPointer(rebasing: buffer[(row * plane)..<((row + 1) * plane)])
                        .update(fromContentsOf: source[(index * plane)..<((index + 1) * plane)])
                }
            }
        }
        return LabelledBatch(images: selected, labels: indices.map { labels[$0] })
    }
}
