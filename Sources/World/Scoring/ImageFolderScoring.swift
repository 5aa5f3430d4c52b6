import Evaluator
import Foundation
import ModelIO
import Imaging
import Tensors

/// Scores a folder of PNG images (renders, or a generator's outputs) with a world's evaluator:
/// per image the predicted attributes and, against its caption, the alignment and whether every
/// captioned attribute is right; over the folder the ``ImageScoreSummary``.
///
/// Images are read and scored ``batchSize`` at a time, so memory stays bounded by one batch of
/// pixels; the pairwise similarity is accumulated from the running sum of embeddings
/// (Σ_{i<j} ⟨eᵢ, eⱼ⟩ = (‖Σᵢ eᵢ‖² − Σᵢ ‖eᵢ‖²) / 2), never from an n × n matrix.
public enum ImageFolderScoring {
    /// Images read and scored at a time.
    public static let batchSize = 64

    /// The PNG files of `directory` (extension `png`, any case), sorted by name; other files and
    /// sub-folders are ignored. A folder without PNGs but with an `images/` sub-folder (the layout
    /// `mokus world render` writes) gives that sub-folder's PNGs.
    ///
    /// - Throws: ``WorldError/unreadableFile(path:reason:)`` for a missing or unreadable folder;
    ///   ``WorldError/invalidArgument(name:expected:found:)`` when neither holds a PNG.
    public static func imageFiles(in directory: URL) throws -> [URL] {
        let files = try pngFiles(in: directory)
        let rendered = directory.appending(path: "images")
        if files.isEmpty, isFolder(rendered) { return try imageFiles(in: rendered) }
        guard !files.isEmpty else {
            throw WorldError.invalidArgument(
                name: "images", expected: "a folder holding .png files", found: "none in '\(directory.path(percentEncoded: false))'")
        }
        return files
    }

    /// The PNG files directly in `directory`, sorted by name.
    static func pngFiles(in directory: URL) throws -> [URL] {
        let path = directory.path(percentEncoded: false)
        guard isFolder(directory) else { throw WorldError.unreadableFile(path: path, reason: "no such folder") }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw WorldError.unreadableFile(path: path, reason: ErrorText.reason(error))
        }
        return names.sorted().map { directory.appending(path: $0) }
            .filter { $0.pathExtension.lowercased() == "png" && !isFolder($0) }
    }

    static func isFolder(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path(percentEncoded: false), isDirectory: &isDirectory)
            && isDirectory.boolValue
    }

    /// Scores `files` against `captions` (keyed by file name, as ``CaptionFile/read(_:schema:)`` gives)
    /// and, when `references` are given, by their similarity to those images: per image
    /// ⟨eᵢ, r̄⟩ with r̄ = (1/m) Σⱼ rⱼ the mean reference embedding, which equals the mean of its m
    /// cosine similarities (the reference embeddings are read in batches and never kept).
    ///
    /// - Parameter progress: called after each batch with the number of images scored.
    /// - Throws: `ImagingError` naming a file that is not a readable PNG;
    ///   ``WorldError/unusableImage(path:expected:found:)`` for an image of another size than the
    ///   evaluator's (images are not resized); ``WorldError/invalidArgument(name:expected:found:)``
    ///   for a caption naming an attribute or class the evaluator's schema lacks.
    public static func score(
        _ files: [URL], captions: [String: ImageCaption], evaluator: ImageEvaluator, references: [URL] = [],
        progress: (Int) -> Void = { _ in }
    ) throws -> (images: [ImageScore], summary: ImageScoreSummary) {
        let schema = evaluator.schema
        let reference = try meanEmbedding(references, evaluator: evaluator)
        var scores: [ImageScore] = []
        var embeddingSum = [Double](repeating: 0, count: evaluator.configuration.featureDimension)
        var squaredNormSum = 0.0
        for start in stride(from: 0, to: files.count, by: batchSize) {
            let batch = Array(files[start..<min(files.count, start + batchSize)])
            let predictions = try evaluator.predict(try images(batch, size: evaluator.configuration.imageSize))
            for (file, prediction) in zip(batch, predictions) {
                for (d, value) in prediction.embedding.enumerated() { embeddingSum[d] += Double(value) }
                squaredNormSum += prediction.embedding.reduce(0) { $0 + Double($1) * Double($1) }
                var scored = try score(prediction, file: file.lastPathComponent, caption: captions[file.lastPathComponent],
                                       schema: schema)
                scored.referenceSimilarity = reference.map { zip($0, prediction.embedding).reduce(0) { $0 + $1.0 * $1.1 } }
                scores.append(scored)
            }
            progress(scores.count)
        }
        return (scores, summary(scores, embeddingSum: embeddingSum, squaredNormSum: squaredNormSum))
    }

    /// (1/m) Σⱼ rⱼ over the embeddings of `files`, or nil for none.
    static func meanEmbedding(_ files: [URL], evaluator: ImageEvaluator) throws -> [Float]? {
        guard !files.isEmpty else { return nil }
        var sum = [Float](repeating: 0, count: evaluator.configuration.featureDimension)
        for start in stride(from: 0, to: files.count, by: batchSize) {
            let batch = Array(files[start..<min(files.count, start + batchSize)])
            for prediction in try evaluator.predict(try images(batch, size: evaluator.configuration.imageSize)) {
                for (d, value) in prediction.embedding.enumerated() { sum[d] += value / Float(files.count) }
            }
        }
        return sum
    }

    /// The `[B, 3, S, S]` tensor of `files`, values in [0, 1] (alpha composited onto black).
    static func images(_ files: [URL], size: Int) throws -> Tensor {
        let tensors = try files.map { file -> Tensor in
            let image = try PNGCodec.read(contentsOf: file, as: .rgb)
            guard image.width == size, image.height == size else {
                throw WorldError.unusableImage(
                    path: file.path(percentEncoded: false), expected: "\(size)×\(size) pixels (the evaluator's size)",
                    found: "\(image.width)×\(image.height)")
            }
            return image.tensor(range: .zeroToOne).reshaped([1, 3, size, size])
        }
        return Tensor.concat(tensors, axis: 0)
    }

    static func score(_ prediction: ImagePrediction, file: String, caption: ImageCaption?, schema: AttributeSchema)
        throws -> ImageScore
    {
        let attributes = prediction.attributes.map {
            PredictedClass(attribute: $0.attribute, className: $0.className, probability: $0.probabilities[$0.classIndex])
        }
        var result = ImageScore(file: file, attributes: attributes, caption: caption, alignment: nil, allCorrect: nil)
        guard let caption else { return result }
        let resolved: [(attribute: Int, classIndex: Int)]
        do {
            resolved = try schema.resolve(caption.attributes)
        } catch let error as EvaluatorError {
            throw WorldError.invalidArgument(name: "caption of \(file)", expected: "the evaluator's attributes", found: "\(error)")
        }
        result.alignment = prediction.alignment(with: resolved)
        result.allCorrect = resolved.allSatisfy { prediction.attributes[$0.attribute].classIndex == $0.classIndex }
        return result
    }

    static func summary(_ scores: [ImageScore], embeddingSum: [Double], squaredNormSum: Double) -> ImageScoreSummary {
        let captioned = scores.filter { $0.caption != nil }
        var right: [String: (correct: Int, total: Int)] = [:]
        for score in captioned {
            for (name, className) in score.caption?.attributes ?? [:] {
                guard let predicted = score.attributes.first(where: { $0.attribute == name }) else { continue }
                right[name, default: (0, 0)].total += 1
                right[name, default: (0, 0)].correct += predicted.className == className ? 1 : 0
            }
        }
        let n = Double(scores.count)
        let pairSum = (embeddingSum.reduce(0) { $0 + $1 * $1 } - squaredNormSum) / 2
        func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
        return ImageScoreSummary(
            images: scores.count, captioned: captioned.count,
            attributeAccuracy: right.mapValues { Double($0.correct) / Double($0.total) },
            allCorrect: mean(captioned.compactMap { $0.allCorrect.map { $0 ? 1 : 0 } }),
            meanAlignment: mean(captioned.compactMap { $0.alignment.map(Double.init) }),
            meanPairwiseSimilarity: scores.count < 2 ? nil : pairSum / (n * (n - 1) / 2),
            meanReferenceSimilarity: mean(scores.compactMap { $0.referenceSimilarity.map(Double.init) }))
    }
}
