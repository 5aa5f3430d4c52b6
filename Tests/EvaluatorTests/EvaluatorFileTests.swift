import Foundation
import TestSupport
import Testing
import Evaluator
import ModelIO
import Tensors

/// The evaluator folder: round trips (f32 and bf16) and typed errors for bad files and inputs.
@Suite("Evaluator files and errors")
struct EvaluatorFileTests {
    /// A small untrained evaluator saved to a fresh folder.
    func savedUntrained() throws -> (ImageEvaluator, TemporaryDirectory) {
        let evaluator = ImageEvaluator(configuration: TinyShapes.configuration, seed: 30)
        let directory = try TemporaryDirectory(label: "mokus-evaluator")
        try evaluator.save(to: directory.url)
        return (evaluator, directory)
    }

    @Test("save then load gives identical predictions; bf16 storage keeps held-out accuracy")
    func roundTrip() throws {
        let evaluator = TrainedEvaluator.evaluator
        let directory = try TemporaryDirectory(label: "mokus-evaluator")
        try evaluator.save(to: directory.url)
        let loaded = try ImageEvaluator.load(from: directory.url, expectedSchema: TinyShapes.schema)
        let images = TrainedEvaluator.heldOut.images
        #expect(try loaded.predict(images) == evaluator.predict(images))
        #expect(loaded.configuration == evaluator.configuration)
        let listing = try FileManager.default.contentsOfDirectory(atPath: directory.url.path).sorted()
        #expect(listing == ["config.json", "model.safetensors"])

        let bf16 = directory.file("bf16")
        try evaluator.save(to: bf16, storage: .bfloat16)
        let rounded = try ImageEvaluator.load(from: bf16)
        let labels = TrainedEvaluator.heldOut.labels
        let (full, half) = (try evaluator.accuracy(images: images, labels: labels),
                            try rounded.accuracy(images: images, labels: labels))
        for name in TinyShapes.schema.names { #expect(abs(full[name]! - half[name]!) <= 0.01, "\(name): \(full) vs \(half)") }
    }

    @Test("missing, corrupted and mismatched files are typed errors")
    func fileErrors() throws {
        let (_, directory) = try savedUntrained()
        let config = directory.file("config.json"), weights = directory.file("model.safetensors")
        let original = try Data(contentsOf: weights), originalConfig = try Data(contentsOf: config)

        let otherSchema = try AttributeSchema([ImageAttribute(name: "shape", classes: ["square", "disc"])])
        #expect(throws: EvaluatorError.self) { try ImageEvaluator.load(from: directory.url, expectedSchema: otherSchema) }

        try Data("not safetensors".utf8).write(to: weights)
        #expect { try ImageEvaluator.load(from: directory.url) } throws: { error in
            guard case .corruptedFile(let path, _) = error as? EvaluatorError else { return false }
            return path.hasSuffix("model.safetensors")
        }

        // A NaN weight, a missing tensor and a wrong shape.
        let file = try SafetensorsFile(url: { try! original.write(to: weights); return weights }())
        var tensors = try Dictionary(uniqueKeysWithValues: file.names.map { ($0, Tensor(shape: try file.info(named: $0).shape, scalars: try file.tensor(named: $0).scalars)) })
        // The writer refuses non-finite tensors, so the NaN goes in as raw bytes (a damaged file).
        let nan = [Float](repeating: .nan, count: tensors["norm.bias"]!.count).withUnsafeBufferPointer { Data(buffer: $0) }
        try SafetensorsWriter.write(
            try tensors.filter { $0.key != "norm.bias" }.map { SafetensorsEntry($0.key, $0.value) }
                + [SafetensorsEntry("norm.bias", dtype: .float32, shape: tensors["norm.bias"]!.shape, bytes: nan)],
            to: weights)
        #expect(throws: EvaluatorError.nonFiniteWeight(file: weights.path(percentEncoded: false), tensor: "norm.bias")) {
            try ImageEvaluator.load(from: directory.url)
        }
        tensors["norm.bias"] = nil
        try SafetensorsWriter.write(tensors, to: weights)
        #expect(throws: EvaluatorError.missingWeight(file: weights.path(percentEncoded: false), tensor: "norm.bias")) {
            try ImageEvaluator.load(from: directory.url)
        }
        tensors["norm.bias"] = .zeros([3])
        try SafetensorsWriter.write(tensors, to: weights)
        #expect(throws: EvaluatorError.weightShapeMismatch(
            file: weights.path(percentEncoded: false), tensor: "norm.bias", expected: [64], found: [3])) {
            try ImageEvaluator.load(from: directory.url)
        }

        let text = String(decoding: originalConfig, as: UTF8.self)
        try Data(text.replacingOccurrences(of: "\"image_size\"", with: "\"image_sise\"").utf8).write(to: config)
        #expect { try ImageEvaluator.load(from: directory.url) } throws: { error in
            guard case .corruptedFile(_, let reason) = error as? EvaluatorError else { return false }
            return reason.contains("image_sise")
        }
        try Data(text.replacingOccurrences(of: "\"strides\" : [\n    1,", with: "\"strides\" : [\n    0,").utf8).write(to: config)
        #expect(throws: EvaluatorError.self) { try ImageEvaluator.load(from: directory.url) }

        try FileManager.default.removeItem(at: config)
        #expect(throws: EvaluatorError.missingFile(path: config.path(percentEncoded: false))) {
            try ImageEvaluator.load(from: directory.url)
        }
    }

    @Test("bad images, masks, labels, captions, schemas and configurations are typed errors")
    func inputErrors() throws {
        let evaluator = ImageEvaluator(configuration: TinyShapes.configuration, seed: 31)
        #expect(throws: EvaluatorError.wrongImageShape(expected: [-1, 3, 16, 16], found: [2, 3, 8, 8])) {
            try evaluator.predict(.zeros([2, 3, 8, 8]))
        }
        var nan = Tensor.zeros([3, 3, 16, 16])
        nan.withUnsafeMutableBufferPointer { $0[2 * 768 + 5] = .nan }
        #expect(throws: EvaluatorError.nonFiniteImage(index: 2)) { try evaluator.predict(nan) }
        #expect(throws: EvaluatorError.wrongMaskShape(expected: [2, 1, 16, 16], found: [2, 1, 8, 8])) {
            try evaluator.maskedEmbeddings(.zeros([2, 3, 16, 16]), masks: .zeros([2, 1, 8, 8]))
        }
        #expect(throws: EvaluatorError.batchSizeMismatch(first: 2, second: 1)) {
            try evaluator.similarity(.zeros([2, 3, 16, 16]), .zeros([1, 3, 16, 16]))
        }
        let images = Tensor.zeros([1, 3, 16, 16])
        #expect(throws: EvaluatorError.emptyCaption) { try evaluator.alignment(attributes: [:], images: images) }
        #expect(throws: EvaluatorError.unknownAttribute(name: "texture", known: TinyShapes.schema.names)) {
            try evaluator.alignment(attributes: ["texture": "dots"], images: images)
        }
        #expect(throws: EvaluatorError.unknownClass(attribute: "shape", name: "star", known: ["square", "disc", "triangle"])) {
            try evaluator.alignment(attributes: ["shape": "star"], images: images)
        }
        #expect(throws: EvaluatorError.labelOutOfRange(image: 0, attribute: "size", label: 2, classCount: 2)) {
            try evaluator.accuracy(images: images, labels: [[0, 0, 2, 0]])
        }
        #expect(throws: EvaluatorError.labelCountMismatch(image: 0, expected: 4, found: 2)) {
            try evaluator.accuracy(images: images, labels: [[0, 0]])
        }
        #expect(throws: EvaluatorError.labelRowsMismatch(images: 1, rows: 0)) {
            try evaluator.accuracy(images: images, labels: [])
        }
        #expect(throws: EvaluatorError.invalidSchema(reason: "attribute 'a' appears twice")) {
            try AttributeSchema([ImageAttribute(name: "a", classes: ["x"]), ImageAttribute(name: "a", classes: ["y"])])
        }
        #expect(throws: EvaluatorError.self) { try AttributeSchema([]) }
        #expect(throws: EvaluatorError.self) {
            try EvaluatorConfiguration(schema: TinyShapes.schema, imageSize: 16, channels: [8], strides: [1, 2])
        }
        #expect(throws: EvaluatorError.self) {
            try EvaluatorConfiguration(schema: TinyShapes.schema, imageSize: 16, channels: [8], strides: [1], kernelSize: 2)
        }
        // Training stops with a typed error on bad labels.
        #expect(throws: EvaluatorError.labelOutOfRange(image: 0, attribute: "shape", label: 7, classCount: 3)) {
            try ImageEvaluator.train(
                configuration: TinyShapes.configuration, options: EvaluatorTrainingOptions(steps: 1),
                nextBatch: { _ in LabelledBatch(images: images, labels: [[7, 0, 0, 0]]) })
        }
    }
}
