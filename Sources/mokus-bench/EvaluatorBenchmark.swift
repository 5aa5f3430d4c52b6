import Evaluator
import Foundation
import Tensors
import TestSupport

/// The image evaluator at the tiny world's scale: the standard configuration (32×32, four
/// convolutions of 32–64 channels) trained on 4,096 fixed 32×32 ``SyntheticShapes`` images with a
/// pattern attribute (batches of 64, seeded order), then judged on 512 held-out images. Reported:
/// training time and throughput beside the convolutions' FLOP count, held-out accuracy per
/// attribute with Float32 and with bf16-rounded weights, and the inference time of 100 images.
enum EvaluatorBenchmark {
    static func run(gemmRate: Double) throws -> [String] {
        let world = SyntheticShapes(size: 32, patterned: true)
        let schema = try AttributeSchema(world.attributes.map { ImageAttribute(name: $0.name, classes: $0.classes) })
        let configuration = try EvaluatorConfiguration.standard(schema: schema)
        let (trainImages, trainLabels) = world.batch(count: 4_096, seed: 1)
        let dataset = LabelledDataset(LabelledBatch(images: trainImages, labels: trainLabels))
        let heldOut = world.batch(count: 512, seed: 2)
        let options = EvaluatorTrainingOptions(steps: 640, learningRate: 1e-2, warmupSteps: 20, seed: 3)
        let batchSize = 64

        var evaluator: ImageEvaluator?
        let trainSeconds = try Measure.seconds {
            evaluator = try ImageEvaluator.train(
                configuration: configuration, options: options,
                nextBatch: { try dataset.batch(at: $0, size: batchSize, seed: 4) })
        }
        guard let evaluator else { return [] }
        let images = Double(options.steps * batchSize)
        // Forward FLOPs of the convolutions per image; training costs about three times as much.
        var flopsPerImage = 0.0, inputChannels = 3
        for (channels, size) in zip(configuration.channels, configuration.spatialSizes) {
            flopsPerImage += 2 * Double(channels * inputChannels * configuration.kernelSize * configuration.kernelSize * size * size)
            inputChannels = channels
        }
        let trainingFlops = 3 * flopsPerImage * images
        let full = try evaluator.accuracy(images: heldOut.images, labels: heldOut.labels)

        let directory = FileManager.default.temporaryDirectory.appending(path: "mokus-bench-evaluator-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try evaluator.save(to: directory, storage: .bfloat16)
        let bf16 = try ImageEvaluator.load(from: directory).accuracy(images: heldOut.images, labels: heldOut.labels)

        let hundred = heldOut.images.slice(axis: 0, 0..<100)
        let inference = try Measure.medianSeconds(repeats: 5, warmUp: 1) { _ = try evaluator.predict(hundred) }

        func row(_ accuracy: [String: Double]) -> String {
            schema.names.map { String(format: "%@ %.3f", $0, accuracy[$0] ?? 0) }.joined(separator: ", ")
        }
        return [
            "image evaluator, standard configuration (\(configuration.channels) channels, strides \(configuration.strides), "
                + "\(evaluator.parameterCount) parameters) on 32×32 synthetic shapes:",
            String(format: "  training: %d steps × %d images in %.1f s (%.0f images/s); convolutions %.1f GFLOP/s "
                   + "(%.0f%% of the %.0f GFLOP/s GEMM rate)",
                   options.steps, batchSize, trainSeconds, images / trainSeconds, trainingFlops / trainSeconds / 1e9,
                   100 * trainingFlops / trainSeconds / gemmRate, gemmRate / 1e9),
            "  held-out accuracy (512 images), f32 weights: " + row(full),
            "  held-out accuracy, bf16-rounded weights:     " + row(bf16),
            String(format: "  inference: 100 images in %.1f ms", inference * 1e3),
        ]
    }
}
