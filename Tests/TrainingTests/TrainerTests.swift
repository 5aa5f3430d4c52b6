import Foundation
import Tensors
import TestSupport
import Testing

@testable import Training

/// Least-squares regression y = w·x + b on seeded data: a tiny objective whose loss must fall,
/// and which can be told to produce NaN at a chosen call.
final class RegressionObjective: TrainingObjective {
    let inputs: [[Float]]
    let outputs: [Float]
    let nanAtCall: Int?
    private var calls = 0

    init(count: Int, nanAtCall: Int? = nil) {
        var rng = RandomGenerator(seed: 7)
        inputs = (0..<count).map { _ in (0..<4).map { _ in Float(rng.nextNormal()) } }
        outputs = inputs.map { 0.5 * $0[0] - 2 * $0[1] + $0[2] * 0.25 + 1 }
        self.nanAtCall = nanAtCall
    }

    var exampleCount: Int { inputs.count }
    var fingerprint: String { "regression-\(inputs.count)" }

    func loss(parameters: [Tensor], examples: [Int]) throws -> TrainingLoss {
        calls += 1
        let x = Tensor(shape: [examples.count, 4], scalars: examples.flatMap { inputs[$0] })
        let y = Tensor(shape: [examples.count, 1], scalars: examples.map { outputs[$0] })
        let residual = x.matmul(parameters[0]) + parameters[1] - y
        let loss = (residual * residual).mean()
        return TrainingLoss(value: calls == nanAtCall ? loss * Float.nan : loss, itemCount: examples.count)
    }

    static var initial: [NamedParameter] {
        [
            NamedParameter("w", Tensor(repeating: 0, shape: [4, 1])),
            NamedParameter("b", Tensor(repeating: 0, shape: [1])),
        ]
    }
}

func bytes(_ parameters: [NamedParameter]) -> [[UInt32]] {
    parameters.map { $0.value.scalars.map(\.bitPattern) }
}

@Suite("Trainer: loop, checkpoints, resume, errors")
struct TrainerTests {
    let configuration = TrainingConfiguration(
        steps: 10, batchSize: 4, learningRate: 0.1, warmupSteps: 2, weightDecay: 0.01, seed: 3, checkpointEvery: 2)

    @Test("the loss falls on a toy regression")
    func lossDecreases() throws {
        var config = configuration
        config.steps = 200
        var reports: [TrainingProgress] = []
        let result = try Trainer(configuration: config).train(
            parameters: RegressionObjective.initial, objective: RegressionObjective(count: 32)
        ) { reports.append($0) }
        #expect(result.losses.count == 200)
        let early: Float = result.losses.prefix(10).reduce(0, +)
        let late: Float = result.losses.suffix(10).reduce(0, +)
        #expect(late < 0.01 * early)
        #expect(reports.map(\.step) == Array(1...200))
        let rates = reports.map(\.learningRate)
        #expect(rates[0] == 0)
        #expect(rates[2] == 0.1)
        #expect(reports.last!.itemsPerSecond > 0)
    }

    @Test("the data order is a seeded permutation per epoch, resumable from (epoch, cursor)")
    func dataOrder() {
        var order = DataOrder(count: 5, seed: 1)
        let batches = (0..<4).map { _ in order.nextBatch(3) }
        let epoch0 = Array(batches.joined().prefix(5))
        let epoch1 = Array(batches.joined().dropFirst(5).prefix(5))
        #expect(epoch0.sorted() == [0, 1, 2, 3, 4] && epoch1.sorted() == [0, 1, 2, 3, 4])
        #expect(epoch0 != epoch1)
        var resumed = DataOrder(count: 5, seed: 1, epoch: 1, cursor: 1)
        #expect(resumed.nextBatch(3) == Array(batches[2]))
    }

    @Test("same seed, same weights: two runs are bit-identical")
    func determinism() throws {
        let first = try Trainer(configuration: configuration).train(
            parameters: RegressionObjective.initial, objective: RegressionObjective(count: 32))
        let second = try Trainer(configuration: configuration).train(
            parameters: RegressionObjective.initial, objective: RegressionObjective(count: 32))
        #expect(bytes(first.parameters) == bytes(second.parameters))
        var other = configuration
        other.seed = 4
        let reseeded = try Trainer(configuration: other).train(
            parameters: RegressionObjective.initial, objective: RegressionObjective(count: 32))
        #expect(bytes(first.parameters) != bytes(reseeded.parameters))
    }

    @Test("10 steps == 6 steps, interruption, resume to 10 (bit-identical weights)")
    func resumeIsBitIdentical() throws {
        let straight = try Trainer(configuration: configuration).train(
            parameters: RegressionObjective.initial, objective: RegressionObjective(count: 13))
        let folder = try TemporaryDirectory(label: "mokus-training-resume")
        let interrupted = try Trainer(configuration: configuration).train(
            parameters: RegressionObjective.initial, objective: RegressionObjective(count: 13),
            checkpointDirectory: folder.url, stopAfter: 6)
        #expect(interrupted.step == 6)
        #expect(TrainingCheckpoint.list(in: folder.url).map(\.step) == [4, 6])
        let resumed = try Trainer(configuration: configuration).train(
            parameters: RegressionObjective.initial, objective: RegressionObjective(count: 13),
            checkpointDirectory: folder.url)
        #expect(resumed.resumedFrom == 6 && resumed.step == 10 && resumed.losses.count == 4)
        #expect(bytes(resumed.parameters) == bytes(straight.parameters))
        #expect(Array(straight.losses.suffix(4)).map(\.bitPattern) == resumed.losses.map(\.bitPattern))
        #expect(TrainingCheckpoint.list(in: folder.url).map(\.step) == [8, 10])
        // The saved checkpoint holds exactly the final weights.
        let state = try TrainingCheckpoint.load(
            folder.file(TrainingCheckpoint.name(step: 10)),
            hash: Trainer(configuration: configuration).runHash(
                RegressionObjective.initial, objective: RegressionObjective(count: 13)),
            like: RegressionObjective.initial)
        #expect(bytes(state.parameters) == bytes(straight.parameters))
    }

    @Test("typed errors: steps ≤ 0, empty dataset, non-finite loss naming the step")
    func errors() throws {
        var bad = configuration
        bad.steps = 0
        #expect(throws: TrainingError.invalidConfiguration(key: "steps", reason: "expected a positive number, found 0"))
        {
            try Trainer(configuration: bad).train(
                parameters: RegressionObjective.initial, objective: RegressionObjective(count: 4))
        }
        #expect(throws: TrainingError.emptyDataset(reason: "the objective has 0 examples")) {
            try Trainer(configuration: configuration).train(
                parameters: RegressionObjective.initial, objective: RegressionObjective(count: 0))
        }
        do {
            _ = try Trainer(configuration: configuration).train(
                parameters: RegressionObjective.initial, objective: RegressionObjective(count: 8, nanAtCall: 3))
            Issue.record("a NaN loss did not stop training")
        } catch let TrainingError.nonFinite(quantity, step, value) {
            #expect(quantity == "loss" && step == 3 && value.isNaN)
        }
    }

    @Test("a checkpoint of another configuration or a corrupted one is refused")
    func checkpointErrors() throws {
        let folder = try TemporaryDirectory(label: "mokus-training-errors")
        _ = try Trainer(configuration: configuration).train(
            parameters: RegressionObjective.initial, objective: RegressionObjective(count: 8),
            checkpointDirectory: folder.url, stopAfter: 4)
        var other = configuration
        other.learningRate = 0.2
        #expect {
            try Trainer(configuration: other).train(
                parameters: RegressionObjective.initial, objective: RegressionObjective(count: 8),
                checkpointDirectory: folder.url)
        } throws: { error in
            if case TrainingError.checkpointMismatch = error { return true } else { return false }
        }
        let tensors = folder.file(TrainingCheckpoint.name(step: 4)).appending(
            path: TrainingCheckpoint.tensorsFile)
        let data = try Data(contentsOf: tensors)
        try data.prefix(data.count - 8).write(to: tensors)
        #expect {
            try Trainer(configuration: configuration).train(
                parameters: RegressionObjective.initial, objective: RegressionObjective(count: 8),
                checkpointDirectory: folder.url)
        } throws: { error in
            guard case TrainingError.corruptedCheckpoint(let file, _) = error else { return false }
            return file.hasSuffix("state.safetensors") && "\(error)".contains("SHA-256")
        }
    }
}
