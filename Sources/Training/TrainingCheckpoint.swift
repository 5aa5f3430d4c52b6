import Foundation
import ModelIO
import Tensors

/// Everything a ``Trainer`` needs to continue a run exactly: the step, the data-order position,
/// the parameters, AdamW's moments and the parameters' moving average, if the run keeps one.
struct TrainingState {
    var step: Int
    var epoch: Int
    var cursor: Int
    var parameters: [NamedParameter]
    var optimizer: AdamState
    /// The ``ParameterAverage`` values, in parameter order (nil: the run keeps none).
    var average: [Tensor]?
}

/// Checkpoint folders of a training run.
///
/// Layout: `<folder>/checkpoint-00000006/` holds
/// - `state.safetensors`: Float32 tensors `parameters/<name>`, `adam.m/<name>`, `adam.v/<name>`
///   and, for runs that keep a moving average, `ema/<name>`;
/// - `state.json`: `format`, `step`, `epoch`, `cursor`, `configuration_hash` (the run's identity:
///   hyperparameters, parameter names and shapes, the objective's fingerprint) and `tensors_sha256`
///   (SHA-256 of `state.safetensors`, checked on load to detect truncation or tampering).
///
/// Each checkpoint is written into a hidden sibling folder and renamed into place when complete;
/// older checkpoints beyond the retention count are then deleted. The newest complete checkpoint
/// is the one with the largest step.
enum TrainingCheckpoint {
    static let format = "mokus-training-checkpoint/1"
    static let stateFile = "state.json"
    static let tensorsFile = "state.safetensors"
    private static let prefix = "checkpoint-"

    static func name(step: Int) -> String { prefix + String(format: "%08d", step) }

    /// Complete checkpoints in `folder`, oldest first.
    static func list(in folder: URL) -> [(step: Int, url: URL)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path(percentEncoded: false))) ?? []
        return names.compactMap { name -> (Int, URL)? in
            guard name.hasPrefix(prefix), let step = Int(name.dropFirst(prefix.count)) else { return nil }
            return (step, folder.appending(path: name))
        }.sorted { $0.0 < $1.0 }
    }

    /// Writes `state` as a new checkpoint folder and keeps only the newest `keep` checkpoints.
    /// - Returns: the checkpoint folder.
    /// - Throws: ``TrainingError/writeFailed(file:reason:)``.
    static func save(_ state: TrainingState, hash: String, in folder: URL, keep: Int) throws -> URL {
        let fileManager = FileManager.default
        let destination = folder.appending(path: name(step: state.step))
        let staging = folder.appending(path: ".\(name(step: state.step)).partial-\(UUID().uuidString)")
        do {
            try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
            var entries: [SafetensorsEntry] = []
            for (index, parameter) in state.parameters.enumerated() {
                let shape = parameter.value.shape
                entries.append(SafetensorsEntry("parameters/\(parameter.name)", parameter.value))
                entries.append(
                    SafetensorsEntry(
                        "adam.m/\(parameter.name)", Tensor(shape: shape, scalars: state.optimizer.firstMoments[index])))
                entries.append(
                    SafetensorsEntry(
                        "adam.v/\(parameter.name)", Tensor(shape: shape, scalars: state.optimizer.secondMoments[index]))
                )
                if let average = state.average { entries.append(SafetensorsEntry("ema/\(parameter.name)", average[index])) }
            }
            let tensorsURL = staging.appending(path: tensorsFile)
            try SafetensorsWriter.write(entries, to: tensorsURL)
            let record: [String: Any] = [
                "format": format, "step": state.step, "epoch": state.epoch, "cursor": state.cursor,
                "optimizer_step": state.optimizer.stepCount, "configuration_hash": hash,
                "tensors_sha256": SHA256.hex(of: try Data(contentsOf: tensorsURL)),
            ]
            try JSONSerialization.data(withJSONObject: record, options: [.prettyPrinted, .sortedKeys])
                .writeAtomically(to: staging.appending(path: stateFile))
            if fileManager.fileExists(atPath: destination.path(percentEncoded: false)) {
                try fileManager.removeItem(at: destination)
            }
            try fileManager.moveItem(at: staging, to: destination)
        } catch {
            try? fileManager.removeItem(at: staging)
            throw TrainingError.writeFailed(file: destination.path(percentEncoded: false), reason: ErrorText.reason(error))
        }
        for old in list(in: folder).dropLast(keep) { try? fileManager.removeItem(at: old.url) }
        return destination
    }

    /// Reads the checkpoint folder `url`, checking it against the run's `hash` and the expected
    /// parameter names and shapes; with `averaged`, the moving average too.
    /// - Throws: ``TrainingError/checkpointMismatch(file:expected:found:)`` for another run's
    ///   checkpoint; ``TrainingError/corruptedCheckpoint(file:reason:)`` for a missing, altered or
    ///   unreadable file.
    static func load(_ url: URL, hash: String, like expected: [NamedParameter], averaged: Bool = false) throws
        -> TrainingState
    {
        let statePath = url.appending(path: stateFile).path(percentEncoded: false)
        let tensorsURL = url.appending(path: tensorsFile)
        let tensorsPath = tensorsURL.path(percentEncoded: false)
        guard let stateData = FileManager.default.contents(atPath: statePath),
            let record = try? JSONSerialization.jsonObject(with: stateData) as? [String: Any]
        else {
            throw TrainingError.corruptedCheckpoint(file: statePath, reason: "missing or not a JSON object")
        }
        func integer(_ key: String) throws -> Int {
            guard let value = record[key] as? Int, value >= 0 else {
                throw TrainingError.corruptedCheckpoint(
                    file: statePath, reason: "\(key): expected a non-negative integer")
            }
            return value
        }
        guard record["format"] as? String == format else {
            throw TrainingError.corruptedCheckpoint(
                file: statePath, reason: "format: expected \(format), found \(record["format"] ?? "nothing")")
        }
        let found = record["configuration_hash"] as? String ?? "nothing"
        guard found == hash else {
            throw TrainingError.checkpointMismatch(file: statePath, expected: hash, found: found)
        }
        guard let tensorsData = FileManager.default.contents(atPath: tensorsPath) else {
            throw TrainingError.corruptedCheckpoint(file: tensorsPath, reason: "missing or unreadable")
        }
        let digest = SHA256.hex(of: tensorsData)
        guard digest == record["tensors_sha256"] as? String else {
            throw TrainingError.corruptedCheckpoint(
                file: tensorsPath,
                reason: "SHA-256 \(digest) differs from the recorded \(record["tensors_sha256"] ?? "nothing")")
        }
        var state = TrainingState(
            step: try integer("step"), epoch: try integer("epoch"), cursor: try integer("cursor"), parameters: [],
            optimizer: AdamState(stepCount: try integer("optimizer_step"), firstMoments: [], secondMoments: []),
            average: averaged ? [] : nil)
        do {
            let file = try SafetensorsFile(url: tensorsURL)
            func read(_ key: String, shape: [Int]) throws -> Tensor {
                let tensor = try file.tensor(named: key)
                guard tensor.shape == shape else {
                    throw TrainingError.corruptedCheckpoint(
                        file: tensorsPath, reason: "\(key): expected shape \(shape), found \(tensor.shape)")
                }
                return Tensor(shape: shape, scalars: tensor.scalars)
            }
            for parameter in expected {
                let shape = parameter.value.shape
                state.parameters.append(
                    NamedParameter(parameter.name, try read("parameters/\(parameter.name)", shape: shape)))
                state.optimizer.firstMoments.append(try read("adam.m/\(parameter.name)", shape: shape).scalars)
                state.optimizer.secondMoments.append(try read("adam.v/\(parameter.name)", shape: shape).scalars)
                if averaged { state.average?.append(try read("ema/\(parameter.name)", shape: shape)) }
            }
        } catch let error as TrainingError {
            throw error
        } catch {
            throw TrainingError.corruptedCheckpoint(file: tensorsPath, reason: "\(error)")
        }
        return state
    }
}
