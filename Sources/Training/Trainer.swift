import Foundation
import ModelIO
import ModelInterfaces
import Tensors

/// A model-agnostic training loop: each step computes the objective's loss on a batch under a
/// fresh ``Tape``, takes the gradients of every parameter, clips their joint L2 norm
/// (``clipGradientNorm(_:maxNorm:)``) and applies ``AdamW`` with the configuration's warmup +
/// cosine schedule. Batches follow a seeded epoch permutation (``DataOrder``).
///
/// With `emaDecay` set, an exponential moving average of the parameters (``ParameterAverage``)
/// is updated after every step and returned beside them.
///
/// Checkpoints (see ``TrainingCheckpoint``) are written every `checkpointEvery` steps and after
/// the last step; with `resume`, a run continues from the newest checkpoint in the folder and ends
/// with weights bit-identical to an uninterrupted run on the same machine and thread count
/// (parameters, moments, average, step and data position are all restored exactly). The objective
/// is told each step's number, so its per-step random draws survive resumption too.
///
/// ```swift
/// let trainer = Trainer(configuration: TrainingConfiguration(steps: 100, batchSize: 8, learningRate: 1e-3))
/// let result = try trainer.train(parameters: initial, objective: objective) { print($0.step, $0.loss) }
/// ```
public struct Trainer: Sendable {
    public let configuration: TrainingConfiguration

    public init(configuration: TrainingConfiguration) {
        self.configuration = configuration
    }

    /// Trains `parameters` on `objective`.
    ///
    /// - Parameters:
    ///   - parameters: the initial values (ignored when a checkpoint is resumed), by name.
    ///   - objective: the loss.
    ///   - checkpointDirectory: where checkpoints go; nil for none.
    ///   - resume: continue from the newest checkpoint in `checkpointDirectory`, if there is one.
    ///   - stopAfter: end this invocation after this step, as if interrupted there (for tests and
    ///     time-boxed runs); the schedule still spans `configuration.steps`.
    ///   - progress: called after every step.
    /// - Returns: the final parameters and this invocation's losses.
    /// - Throws: ``TrainingError`` for an invalid configuration, an empty dataset, a checkpoint
    ///   of another run or a corrupted one, a non-finite loss or gradient norm (naming the step),
    ///   or a checkpoint that cannot be written; `MemoryBudgetError` when ``TrainingMemory``'s
    ///   estimate is over the budget; errors of the objective pass through.
    public func train(
        parameters initial: [NamedParameter], objective: some TrainingObjective, checkpointDirectory: URL? = nil,
        resume: Bool = true, stopAfter: Int? = nil, progress: (TrainingProgress) -> Void = { _ in }
    ) throws -> TrainingResult {
        let c = configuration
        try c.validate()
        guard objective.exampleCount > 0 else {
            throw TrainingError.emptyDataset(reason: "the objective has 0 examples")
        }
        guard !initial.isEmpty else {
            throw TrainingError.invalidConfiguration(key: "parameters", reason: "no parameters to train")
        }
        try TrainingMemory.check(
            parameterCount: initial.reduce(0) { MemoryBudget.sum($0, $1.value.count) }, averaged: c.emaDecay != nil)
        let hash = runHash(initial, objective: objective)

        var optimizer = AdamW(
            schedule: c.schedule, beta1: c.beta1, beta2: c.beta2, epsilon: c.epsilon, weightDecay: c.weightDecay)
        var values = initial.map { Tensor(shape: $0.value.shape, scalars: $0.value.scalars) }
        var order = DataOrder(count: objective.exampleCount, seed: c.seed)
        var average = c.emaDecay.map { ParameterAverage(decay: $0, values: values) }
        var step = 0
        if resume, let directory = checkpointDirectory, let latest = TrainingCheckpoint.list(in: directory).last {
            let state = try TrainingCheckpoint.load(latest.url, hash: hash, like: initial, averaged: average != nil)
            guard state.cursor < objective.exampleCount, state.optimizer.stepCount == state.step else {
                throw TrainingError.corruptedCheckpoint(
                    file: latest.url.path(percentEncoded: false), reason: "data position or optimizer step out of range"
                )
            }
            values = state.parameters.map(\.value)
            if let decay = c.emaDecay, let averaged = state.average {
                average = ParameterAverage(decay: decay, values: averaged)
            }
            optimizer.restore(state.optimizer)
            order = DataOrder(count: objective.exampleCount, seed: c.seed, epoch: state.epoch, cursor: state.cursor)
            step = state.step
        }

        let start = Date()
        let resumedFrom = step
        let lastStep = min(c.steps, stopAfter ?? c.steps)
        var losses: [Float] = []
        var items = 0
        while step < lastStep {
            let batch = order.nextBatch(c.batchSize)
            let tape = Tape()
            let tracked = values.map { tape.variable($0) }
            let loss = try objective.loss(parameters: tracked, examples: batch, step: step + 1)
            let lossValue = loss.value.item
            guard lossValue.isFinite else {
                throw TrainingError.nonFinite(quantity: "loss", step: step + 1, value: lossValue)
            }
            var gradients = tape.gradients(of: loss.value, withRespectTo: tracked)
            let norm = clipGradientNorm(&gradients, maxNorm: c.maxGradientNorm)
            guard norm.isFinite else {
                throw TrainingError.nonFinite(quantity: "gradient norm", step: step + 1, value: norm)
            }
            let learningRate = optimizer.nextLearningRate
            optimizer.step(parameters: &values, gradients: gradients)
            step += 1
            average?.update(with: values, update: step)
            losses.append(lossValue)
            items += loss.itemCount

            var saved: URL?
            if let directory = checkpointDirectory,
                (c.checkpointEvery > 0 && step % c.checkpointEvery == 0) || step == c.steps
            {
                let state = TrainingState(
                    step: step, epoch: order.epoch, cursor: order.cursor,
                    parameters: zip(initial, values).map { NamedParameter($0.name, $1) }, optimizer: optimizer.state,
                    average: average?.values)
                saved = try TrainingCheckpoint.save(state, hash: hash, in: directory, keep: c.keepCheckpoints)
            }
            let elapsed = Date().timeIntervalSince(start)
            progress(
                TrainingProgress(
                    step: step, totalSteps: c.steps, loss: lossValue, learningRate: learningRate, gradientNorm: norm,
                    itemsPerSecond: elapsed > 0 ? Double(items) / elapsed : 0, elapsed: elapsed, checkpoint: saved))
        }
        return TrainingResult(
            parameters: zip(initial, values).map { NamedParameter($0.name, $1) },
            averagedParameters: average.map { zip(initial, $0.values).map { NamedParameter($0.name, $1) } }, step: step,
            resumedFrom: resumedFrom, losses: losses, items: items, elapsed: Date().timeIntervalSince(start))
    }

    /// SHA-256 identifying the run: the trajectory-deciding configuration, every parameter's name
    /// and shape, and the objective's fingerprint.
    func runHash(_ parameters: [NamedParameter], objective: some TrainingObjective) -> String {
        var hasher = SHA256()
        hasher.update("mokus-training-run/1\n")
        hasher.update(configuration.trajectoryJSON)
        for parameter in parameters { hasher.update("\n\(parameter.name) \(parameter.value.shape)") }
        hasher.update("\n\(objective.fingerprint)")
        return hasher.finalize()
    }
}
